import fs from 'node:fs';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';

export interface SourceFile {
  absolute: string;
  /** Path in the model, starting with the registered basename ("model.joblib", "model/weights.bin"). */
  path: string;
  size: number;
}

export interface ModelSource {
  root: string;
  kind: 'file' | 'folder';
  files: SourceFile[];
  size: number;
}

/**
 * What a registration copies: one file, or every file under a folder (links followed, special
 * files skipped). `within` (a run's folder, when registering from a run): every file must really
 * be inside it, so a link the run's script made cannot put a file from elsewhere in the registry.
 */
export function scanSource(absolute: string, shownAs: string, within?: string): ModelSource {
  const source = scan(absolute, shownAs);
  if (within) {
    const root = fs.realpathSync(within);
    for (const file of source.files) {
      const real = fs.realpathSync(file.absolute);
      if (!real.startsWith(root + path.sep))
        throw new BenchtopError(
          'BAD_INPUT',
          `${file.path} in "${shownAs}" is a link to ${real}, outside the run: a model registered from a run holds the run's own files only.`,
          'Have the script copy the file into ./outputs, or register it by its own path (without --run).',
        );
    }
  }
  return source;
}

function scan(absolute: string, shownAs: string): ModelSource {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    throw new BenchtopError(
      'NOT_FOUND',
      `Error, provided model path "${shownAs}" cannot be found.`,
      'Give the path of an existing file or folder (relative paths start from the current folder).',
    );
  }
  const root = path.basename(absolute);
  if (stat.isFile()) return { root, kind: 'file', files: [{ absolute, path: root, size: stat.size }], size: stat.size };
  if (!stat.isDirectory())
    throw new BenchtopError(
      'BAD_INPUT',
      `"${shownAs}" is neither a file nor a folder.`,
      'Register a regular file or a folder.',
    );
  const files: SourceFile[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, entry);
      const inModel = `${rel}/${entry}`;
      const entryStat = fs.statSync(full, { throwIfNoEntry: false });
      if (entryStat?.isDirectory()) walk(full, inModel);
      else if (entryStat?.isFile()) files.push({ absolute: full, path: inModel, size: entryStat.size });
    }
  };
  walk(absolute, root);
  if (files.length === 0)
    throw new BenchtopError(
      'BAD_INPUT',
      `The folder "${shownAs}" has no files.`,
      'Register a folder that holds the model files.',
    );
  return { root, kind: 'folder', files, size: files.reduce((sum, f) => sum + f.size, 0) };
}

/**
 * A path inside a run, as Azure ML's run.register_model takes it: "outputs/..."
 * and "logs/..." (live in the working copy while the run runs, kept with the
 * run after), or an uploaded file (run.upload_file).
 */
export function resolveRunPath(runDir: string, running: boolean, rel: string): string {
  const clean = rel.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  if (!clean || path.isAbsolute(clean) || clean.split('/').includes('..')) {
    throw new BenchtopError(
      'BAD_INPUT',
      `"${rel}" is not a path inside a run.`,
      'Give a path such as outputs/model.joblib.',
    );
  }
  const top = clean.split('/')[0];
  const candidates = [
    ...(running && (top === 'outputs' || top === 'logs') ? [path.join(runDir, 'work', clean)] : []),
    ...(top === 'outputs' || top === 'logs' ? [path.join(runDir, clean)] : []),
    path.join(runDir, 'files', 'uploads', clean),
  ];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    const outputs = listTop(path.join(runDir, running ? 'work/outputs' : 'outputs'));
    throw new BenchtopError(
      'NOT_FOUND',
      `The run has no "${clean}".`,
      outputs.length
        ? `Its outputs are: ${outputs
            .slice(0, 8)
            .map((o) => `outputs/${o}`)
            .join(', ')}${outputs.length > 8 ? ', ...' : ''}.`
        : 'The run wrote nothing to ./outputs; save the model there (or upload it with run.upload_file) first.',
    );
  }
  return found;
}

function listTop(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}
