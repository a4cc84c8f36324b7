import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BenchtopError } from '../../../shared/errors';

/** An MLflow store to import from: the URI the exporter opens, which is also the key of what came from where. */
export interface StoreSource {
  uri: string;
  kind: 'folder' | 'server';
  /** The mlruns/ folder, for a folder store. */
  folder?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const PROBE_TIMEOUT_MS = 5000;

/**
 * Checks the source before anything is built or written: a folder must look like MLflow's file
 * store (experiment folders with meta.yaml, or models/), a server must be on this machine and answer.
 */
export async function resolveStoreSource(input: string): Promise<StoreSource> {
  const text = input.trim();
  if (/^https?:\/\//i.test(text)) return checkServer(text);
  if (/^file:/i.test(text)) return checkFolder(fileURLToPath(text), text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const scheme = text.slice(0, text.indexOf(':'));
    throw new BenchtopError(
      'UNSUPPORTED',
      `Benchtop imports an mlruns/ folder or a tracking server on this machine, not a "${scheme}:" store.`,
      scheme.startsWith('sqlite') || scheme.startsWith('postgres') || scheme.startsWith('mysql')
        ? `Serve it on this machine with \`mlflow server --backend-store-uri ${text} --host 127.0.0.1 --port 5000\`, then import http://127.0.0.1:5000.`
        : 'Copy the store to a folder here, or serve it with `mlflow server --host 127.0.0.1` and import its URL.',
    );
  }
  return checkFolder(path.resolve(text), text);
}

function checkFolder(given: string, shownAs: string): StoreSource {
  const stat = fs.statSync(given, { throwIfNoEntry: false });
  if (!stat?.isDirectory())
    throw new BenchtopError(
      'NOT_FOUND',
      `No folder ${given}${stat ? ' (it is a file)' : ''}.`,
      'Give the mlruns/ folder MLflow wrote (or the folder that holds it), or a tracking server URL.',
    );
  const nested = path.join(given, 'mlruns');
  const folder = !isStore(given) && isStore(nested) ? nested : given;
  if (!isStore(folder))
    throw new BenchtopError(
      'BAD_INPUT',
      `${shownAs} is not an MLflow store: expected an mlruns/ folder with an experiment folder per experiment ` +
        '(each holding meta.yaml, e.g. 0/meta.yaml) or models/, as mlflow.set_tracking_uri("file:...") writes it.',
      'Give the mlruns/ folder itself, or the project folder that holds mlruns/.',
    );
  return { uri: pathToFileURL(fs.realpathSync(folder)).href, kind: 'folder', folder: fs.realpathSync(folder) };
}

/** MLflow's file store: experiment folders with meta.yaml (0 is the Default experiment), or a models/ registry. */
function isStore(dir: string): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some(
    (e) =>
      e.isDirectory() &&
      ((e.name === 'models' && fs.existsSync(path.join(dir, e.name))) ||
        (/^[0-9]+$/.test(e.name) && fs.existsSync(path.join(dir, e.name, 'meta.yaml')))),
  );
}

async function checkServer(text: string): Promise<StoreSource> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BenchtopError('BAD_INPUT', `"${text}" is not a URL.`, 'Give http://127.0.0.1:PORT.');
  }
  if (!LOOPBACK.has(url.hostname))
    throw new BenchtopError(
      'UNSUPPORTED',
      `Benchtop imports only from a tracking server on this machine, not ${url.host}: it reads everything the ` +
        'server gives it and works offline, so it does not reach out to other machines.',
      'Run `mlflow server --host 127.0.0.1` here against the store, or copy its mlruns/ folder here and import that.',
    );
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  await probe(`${base}/api/2.0/mlflow/experiments/search?max_results=1`, base);
  return { uri: base, kind: 'server' };
}

/** One GET with a deadline: the server answers MLflow's REST API, or the error says what happened. */
function probe(url: string, base: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const request = get(url, { timeout: PROBE_TIMEOUT_MS }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      if (status === 200) return resolve();
      reject(
        new BenchtopError(
          status === 401 || status === 403 ? 'UNAUTHORIZED' : 'BAD_INPUT',
          `${base} answered ${status} to MLflow's experiments/search: it is not an MLflow tracking server Benchtop can read.`,
          status === 401 || status === 403
            ? 'Benchtop imports from a server without authentication; start one with `mlflow server --host 127.0.0.1`.'
            : 'Give the URL of `mlflow server` (the one the MLflow UI is on).',
        ),
      );
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (err) =>
      reject(
        new BenchtopError(
          'NOT_FOUND',
          `No MLflow tracking server answers at ${base} (${(err as NodeJS.ErrnoException).code ?? err.message}).`,
          'Start it (`mlflow server --host 127.0.0.1 --port PORT`) or check the port.',
        ),
      ),
    );
  });
}
