import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isInside, realPathInside } from '../../server/realPathInside';
import { appendRunEvents } from '../runs/sdkRuns';
import type { MlflowContext } from './context';
import { doesNotExist, invalidParameter, MlflowError } from './mlflowErrors';

/**
 * Where MLflow artifacts live. The artifact URIs this server hands out name them:
 *   mlflow-artifacts:/runs/<run id>/<path>  -> the run's files/uploads/<path>, where run.upload_file puts a file,
 *                                              so they are in the run's file list and `model register --run`
 *   mlflow-artifacts:/models/<model id>/... -> a logged model's files: the folder <name>/ of its run's uploads
 *                                              (a model logged outside any run: the workspace's mlflow/models/).
 * A logged model's folder is listed under the model, not under the run, as MLflow 3 does (its client merges the
 * two listings, and would show every file twice).
 */
export interface ArtifactLocation {
  /** The folder the path is inside of (may not exist yet). */
  root: string;
  /** The path inside root, '/'-separated, '' for root itself. */
  rel: string;
  /** The run whose files these are, if any, and the path inside its uploads. */
  runId: string | null;
  uploadsRel: string;
  /** A run listing: the folders of its logged models, which are listed under the models. */
  modelFolders: Set<string>;
}

/** Splits a raw URL path (after the artifacts prefix) into checked, %-decoded segments. */
export function artifactSegments(raw: string): string[] {
  const segments = raw.split('/').filter((s) => s !== '');
  return segments.map((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw invalidParameter(`Invalid artifact path: malformed %-escape in ${JSON.stringify(segment)}.`);
    }
    if (decoded === '.' || decoded === '..' || /[\\/\0]/.test(decoded))
      throw invalidParameter(
        `Invalid artifact path ${JSON.stringify(raw)}: it must stay inside the run (no "..", no absolute path).`,
      );
    return decoded;
  });
}

export function locate(ctx: MlflowContext, segments: string[]): ArtifactLocation {
  const [kind, id, ...rest] = segments;
  const rel = rest.join('/');
  if (kind === 'runs' && id) {
    if (!ctx.store.get(id)) throw doesNotExist(`Run with id=${id} not found`);
    const folders = ctx.db
      .prepare('SELECT artifact_path FROM mlflow_logged_models WHERE source_run_id = ?')
      .all(id) as { artifact_path: string }[];
    const prefix = `runs/${id}/`;
    return {
      root: path.join(ctx.paths.runDir(id), 'files', 'uploads'),
      rel,
      runId: id,
      uploadsRel: rel,
      modelFolders: new Set(folders.map((f) => f.artifact_path.slice(prefix.length))),
    };
  }
  if (kind === 'models' && id) {
    const model = ctx.db
      .prepare('SELECT artifact_path, source_run_id FROM mlflow_logged_models WHERE model_id = ?')
      .get(id) as { artifact_path: string; source_run_id: string | null } | undefined;
    if (!model) throw doesNotExist(`Logged model with ID '${id}' not found.`);
    if (model.source_run_id) {
      const folder = model.artifact_path.slice(`runs/${model.source_run_id}/`.length);
      return {
        root: path.join(ctx.paths.runDir(model.source_run_id), 'files', 'uploads', folder),
        rel,
        runId: model.source_run_id,
        uploadsRel: rel ? `${folder}/${rel}` : folder,
        modelFolders: new Set(),
      };
    }
    return {
      root: path.join(ctx.paths.root, 'mlflow', 'models', id),
      rel,
      runId: null,
      uploadsRel: rel,
      modelFolders: new Set(),
    };
  }
  throw doesNotExist(
    `No artifact location ${JSON.stringify(segments.join('/'))}: artifact paths here start with runs/<run id>/ or models/<model id>/.`,
  );
}

const TEMP_MARK = '.mlflow-upload-';

/** A byte counter that fails the stream past `limit` (an upload with no or a false Content-Length). */
function limitBytes(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit)
        done(new MlflowError('INVALID_PARAMETER_VALUE', `The artifact is larger than ${limit} bytes.`, 413));
      else done(null, chunk);
    },
  });
}

/**
 * Streams an upload to a temporary file beside its target and renames it into place: a failed or cut upload
 * leaves nothing, and a reader never sees half a file. The folder it goes to must really be inside the root.
 */
export async function writeArtifact(
  ctx: MlflowContext,
  location: ArtifactLocation,
  body: NodeJS.ReadableStream,
  limit: number,
): Promise<void> {
  if (!location.rel) throw invalidParameter('An artifact upload needs a file path after the run (runs/<id>/<path>).');
  const target = path.join(location.root, ...location.rel.split('/'));
  const folder = path.dirname(target);
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTDIR' && code !== 'EEXIST') throw err;
    throw invalidParameter(`The artifact path ${JSON.stringify(location.rel)} goes through a file, not a folder.`);
  }
  if (!(await realPathInside(location.root, folder)))
    throw invalidParameter(`Invalid artifact path ${JSON.stringify(location.rel)}: it leads out of the run (a link).`);
  if (fs.lstatSync(target, { throwIfNoEntry: false })?.isDirectory())
    throw invalidParameter(`The artifact path ${JSON.stringify(location.rel)} is a folder already.`);
  const temp = path.join(folder, `.${path.basename(target)}${TEMP_MARK}${randomBytes(6).toString('hex')}`);
  try {
    await pipeline(body, limitBytes(limit), fs.createWriteStream(temp, { flags: 'wx' }));
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
  if (location.runId) appendRunEvents(ctx.paths.runDir(location.runId), [{ type: 'file', name: location.uploadsRel }]);
}

/** The real path of an existing artifact (file or folder) inside its root, or null. */
export async function findArtifact(location: ArtifactLocation): Promise<string | null> {
  if (!fs.existsSync(location.root)) return null;
  const candidate = path.join(location.root, ...(location.rel ? location.rel.split('/') : []));
  return realPathInside(location.root, candidate);
}

export interface ListedFile {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/** list: the entries of a folder by name (MLflow's server answers basenames), or the one file named. */
export async function listArtifacts(location: ArtifactLocation): Promise<ListedFile[]> {
  if (location.modelFolders.has(location.rel.split('/')[0] as string)) return [];
  const real = await findArtifact(location);
  if (!real) return [];
  const stat = fs.statSync(real);
  if (stat.isFile()) return [{ path: path.basename(real), is_dir: false, file_size: stat.size }];
  const realRoot = fs.realpathSync(location.root);
  const out: ListedFile[] = [];
  for (const entry of fs.readdirSync(real, { withFileTypes: true })) {
    if (entry.name.includes(TEMP_MARK)) continue; // an upload in progress
    if (!location.rel && location.modelFolders.has(entry.name)) continue; // listed under its model
    if (entry.isDirectory()) out.push({ path: entry.name, is_dir: true });
    else if (entry.isFile() && isInside(realRoot, path.join(real, entry.name)))
      out.push({ path: entry.name, is_dir: false, file_size: fs.statSync(path.join(real, entry.name)).size });
    // Links are never listed: they could lead out of the run.
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
