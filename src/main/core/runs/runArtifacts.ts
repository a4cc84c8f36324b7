import fs from 'node:fs';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';
import { writeFileFrom, listRunFiles, openRunFile } from './runFiles';

/**
 * A run's files under the names Azure ML gives a run's artifacts (run.get_file_names(),
 * download_file): "outputs/...", "logs/...", each uploaded file under the name it was uploaded
 * with (upload_file("outputs/model.pkl", ...)), and the run's output as
 * "azureml-logs/70_driver_log.txt", the driver log of Azure's local runs. Every read goes
 * through openRunFile: no link out of the run is followed.
 */

export const DRIVER_LOG = 'azureml-logs/70_driver_log.txt';

/** Artifact name -> path in the run's folder. */
function artifactMap(runDir: string): Map<string, string> {
  const lists = listRunFiles(runDir);
  const map = new Map<string, string>();
  // Uploads first: a file the script wrote to ./outputs wins over an upload of the same name.
  for (const name of lists.uploads) map.set(name, `files/uploads/${name}`);
  for (const name of lists.outputs) map.set(`outputs/${name}`, `outputs/${name}`);
  for (const name of lists.logs) map.set(`logs/${name}`, `logs/${name}`);
  if (fs.lstatSync(path.join(runDir, 'output.log'), { throwIfNoEntry: false })?.isFile())
    map.set(DRIVER_LOG, 'output.log');
  return map;
}

export function artifactNames(runDir: string): string[] {
  return [...artifactMap(runDir).keys()].sort();
}

function open(runDir: string, rel: string) {
  if (rel !== 'output.log') return openRunFile(runDir, rel);
  // Benchtop writes output.log itself; it is not under the served folders.
  const fd = fs.openSync(path.join(runDir, rel), 'r');
  return { fd, size: fs.fstatSync(fd).size, realPath: path.join(runDir, rel) };
}

function notFound(name: string, runId: string, names: string[]): BenchtopError {
  return new BenchtopError(
    'NOT_FOUND',
    `File with path ${name} was not found in run ${runId}.`,
    names.length
      ? `The run has: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}`
      : 'The run has no files.',
  );
}

/** Copies one artifact to `destination` (a file path), via a temporary file and one rename. */
export function downloadArtifact(
  runDir: string,
  runId: string,
  name: string,
  destination: string,
): { path: string; size: number } {
  const map = artifactMap(runDir);
  const rel = map.get(name.replace(/^\.?\//, ''));
  if (!rel) throw notFound(name, runId, [...map.keys()].sort());
  const file = open(runDir, rel);
  try {
    writeFileFrom(file.fd, destination);
    return { path: destination, size: file.size };
  } finally {
    fs.closeSync(file.fd);
  }
}

/**
 * Copies every artifact whose name starts with `prefix` into `directory` (download_files):
 * under its full name, or without the prefix when appendPrefix is false. A prefix that matches
 * nothing is an error, as in Azure.
 */
export function downloadArtifacts(
  runDir: string,
  runId: string,
  directory: string,
  prefix?: string,
  appendPrefix = true,
): { directory: string; files: string[]; skipped: string[] } {
  const map = artifactMap(runDir);
  const wanted = [...map.keys()].filter((n) => !prefix || n.startsWith(prefix)).sort();
  if (prefix && wanted.length === 0) throw notFound(prefix, runId, [...map.keys()].sort());
  const result = { directory, files: [] as string[], skipped: [] as string[] };
  for (const name of wanted) {
    let file;
    try {
      file = open(runDir, map.get(name) as string);
    } catch (err) {
      if (!(err instanceof BenchtopError)) throw err;
      result.skipped.push(name);
      continue;
    }
    try {
      const rel = !appendPrefix && prefix ? name.slice(prefix.length).replace(/^\/+/, '') || path.basename(name) : name;
      const target = path.join(directory, ...rel.split('/'));
      writeFileFrom(file.fd, target);
      result.files.push(target);
    } finally {
      fs.closeSync(file.fd);
    }
  }
  return result;
}
