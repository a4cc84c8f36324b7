import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';
import { makeDirectory } from '../workspace/makeDirectory';

/** The parts of a run's folder that are served (runs.file) and listed; everything else is Benchtop's. */
const SERVED = ['snapshot', 'outputs', 'logs', 'files'] as const;
/** What a download copies: the run's results, not its snapshot. */
const DOWNLOADED = ['outputs', 'logs', 'files'] as const;
const COPY_CHUNK = 1024 * 1024;

/**
 * A run's files are written by its script, which can make links to anything on the machine
 * (outputs/x -> /etc/hostname, or ./outputs itself -> /). Serving and copying therefore go by
 * real paths: a file is handed out only when the file actually opened lies inside one of the
 * run's own folders; links are never listed, and never followed out of the run.
 */

/** Regular files under a part of the run (links and their targets are not listed). */
function listPart(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string, rel: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(current, entry.name), child);
      else if (entry.isFile()) out.push(child);
    }
  };
  if (isRealDir(dir)) walk(dir, '');
  return out.sort();
}

export interface RunFileLists {
  snapshot: string[];
  outputs: string[];
  logs: string[];
  uploads: string[];
}

export function listRunFiles(runDir: string): RunFileLists {
  return {
    snapshot: listPart(path.join(runDir, 'snapshot')),
    outputs: listPart(path.join(runDir, 'outputs')),
    logs: listPart(path.join(runDir, 'logs')),
    uploads: listPart(path.join(runDir, 'files', 'uploads')),
  };
}

/** A folder that is not a link (a run could replace ./outputs with a link to anywhere). */
function isRealDir(dir: string): boolean {
  return fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** Where an open file really is: the kernel's answer on Linux, else the path resolved just before opening. */
function openedPath(fd: number, resolvedBefore: string): string {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return resolvedBefore;
  }
}

/** Whether a real path lies inside one of the run's served folders (themselves real folders). */
function insideRun(runDir: string, real: string): boolean {
  const root = fs.realpathSync(runDir);
  return SERVED.some((part) => isRealDir(path.join(root, part)) && real.startsWith(path.join(root, part) + path.sep));
}

export interface OpenedRunFile {
  fd: number;
  size: number;
  realPath: string;
}

/**
 * Opens a regular file of the run by its path in the run ("outputs/model.pkl"), refusing a
 * path that leaves the run's folders, by `..` or through a link. The check is made on the file
 * actually opened, so a link swapped in between cannot slip through. The caller closes `fd`.
 */
export function openRunFile(runDir: string, rel: string): OpenedRunFile {
  const notFound = () =>
    new BenchtopError('NOT_FOUND', `No file "${rel}" in this run.`, "Pick a file from the run's Files tab.");
  const lexical = path.resolve(runDir, rel);
  if (!SERVED.some((part) => lexical.startsWith(path.join(runDir, part) + path.sep))) throw notFound();
  let resolved: string;
  let fd: number;
  try {
    resolved = fs.realpathSync(lexical);
    fd = fs.openSync(lexical, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    throw notFound();
  }
  try {
    const real = openedPath(fd, resolved);
    if (!insideRun(runDir, real))
      throw new BenchtopError(
        'BAD_INPUT',
        `"${rel}" is a link to ${real}, outside this run's folders: Benchtop only serves a run's own files.`,
        'Have the script copy the file into ./outputs instead of linking to it.',
      );
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw notFound();
    return { fd, size: stat.size, realPath: real };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** Reads a whole (small) file of the run; see openRunFile for what is refused. */
export function readRunFile(runDir: string, rel: string, maxBytes: number): { data: Buffer; size: number } {
  const file = openRunFile(runDir, rel);
  try {
    if (file.size > maxBytes)
      throw new BenchtopError(
        'BAD_INPUT',
        `${rel} is ${Math.round(file.size / 1024 / 1024)} MB, too large to open here.`,
        "Use Download to copy the run's files to a folder.",
      );
    return { data: fs.readFileSync(file.fd), size: file.size };
  } finally {
    fs.closeSync(file.fd);
  }
}

export interface RunDownload {
  directory: string;
  files: number;
  /** Links the run made that point outside it (or nowhere): not copied. */
  skipped: string[];
}

/**
 * Copies outputs/, logs/, files/ and output.log into `target`. Only what it copies is written
 * there: each file to a temporary name beside it, then renamed over whatever had that name
 * (other files in `target` stay). A link inside the run to one of its own files is copied as
 * that file; a link out of the run is skipped and named in `skipped`.
 */
export function downloadRunFiles(runDir: string, target: string): RunDownload {
  const result: RunDownload = { directory: target, files: 0, skipped: [] };
  const copy = (rel: string) => {
    let file: OpenedRunFile;
    try {
      file = openRunFile(runDir, rel);
    } catch (err) {
      if (!(err instanceof BenchtopError)) throw err;
      result.skipped.push(rel); // a link out of the run, a dangling link, a pipe
      return;
    }
    try {
      writeFileFrom(file.fd, path.join(target, ...rel.split('/')));
      result.files += 1;
    } finally {
      fs.closeSync(file.fd);
    }
  };
  const walk = (dir: string, rel: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), child);
      else if (entry.isFile() || entry.isSymbolicLink()) copy(child);
    }
  };
  for (const part of DOWNLOADED) {
    const dir = path.join(runDir, part);
    if (isRealDir(dir)) walk(dir, part);
    else if (fs.lstatSync(dir, { throwIfNoEntry: false })) result.skipped.push(part);
  }
  // Benchtop writes output.log itself (not the script): a regular file unless something replaced it.
  const log = path.join(runDir, 'output.log');
  const logStat = fs.lstatSync(log, { throwIfNoEntry: false });
  if (logStat?.isFile()) {
    const fd = fs.openSync(log, 'r');
    try {
      writeFileFrom(fd, path.join(target, 'output.log'));
      result.files += 1;
    } finally {
      fs.closeSync(fd);
    }
  } else if (logStat) result.skipped.push('output.log');
  return result;
}

/** Copies an open file to `destination` through a temporary file in the same folder and one rename. */
export function writeFileFrom(fd: number, destination: string): void {
  makeDirectory(path.dirname(destination));
  if (fs.lstatSync(destination, { throwIfNoEntry: false })?.isDirectory())
    throw new BenchtopError(
      'ALREADY_EXISTS',
      `${destination} is a folder, where the run has a file. Nothing was written there.`,
      'Move that folder away, or download to another folder.',
    );
  const temp = path.join(
    path.dirname(destination),
    `.${path.basename(destination)}.benchtop-download-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  try {
    const out = fs.openSync(temp, 'wx');
    try {
      const buffer = Buffer.allocUnsafe(COPY_CHUNK);
      for (let position = 0; ;) {
        const read = fs.readSync(fd, buffer, 0, COPY_CHUNK, position);
        if (read === 0) break;
        fs.writeSync(out, buffer, 0, read);
        position += read;
      }
    } finally {
      fs.closeSync(out);
    }
    fs.renameSync(temp, destination);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
