import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ImportedPart } from '../../../shared/api/bundleTypes';
import type { ModelFile, ModelRecord } from '../../../shared/api/modelTypes';
import { BenchtopError } from '../../../shared/errors';
import { registrationContent } from '../../../shared/environments/canonical';
import { parseNameVersion } from '../../../shared/environments/names';
import { normalizeDefinition } from '../../../shared/environments/parse';
import type { StagedFile } from '../models/blobStore';
import { ModelStore } from '../models/modelStore';
import type { RunRow } from '../runs/runStore';
import type { BundleDeps } from './bundleService';
import type { EnvironmentRecordPart } from './exportParts';
import { listFiles } from './exportParts';
import type { Manifest, ManifestPart } from './manifest';

/** Left in a run folder renamed into runs/ inside the import's transaction: a crash before COMMIT leaves it rowless and ours. */
export const RUN_IMPORT_MARKER = '.benchtop-bundle-import';

/** What a hostile bundle could otherwise use to reach outside the workspace (paths) or the engine's other calls. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,399}$/;
const WHEEL_FILE = /^[A-Za-z0-9][A-Za-z0-9_.!+-]*\.whl$/;
const IMAGE_TAG = /^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_.-]+)?$/;

interface ModelPartRecord {
  model: Omit<ModelRecord, 'id'>;
  files: (ModelFile & { entry: string })[];
}
interface RunPartRecord {
  row: RunRow;
  files: string[];
}

/** What will happen to one part, decided from the manifest and the workspace before anything is written. */
export interface PlannedImport {
  part: ManifestPart;
  index: number;
  action: ImportedPart['action'];
  /** The version it has here when unchanged. */
  version: string;
}

/**
 * Decides each part's fate (added / unchanged / new-version) and refuses what cannot come in, all before the
 * bundle's files are written anywhere: a run id that exists here with other content (never overwritten), a
 * private wheel of the same file name but other bytes, an environment whose wheels are not in the bundle, a model
 * whose files are not the content its record names.
 */
export function planImport(deps: BundleDeps, manifest: Manifest, blake3: Map<string, string>): PlannedImport[] {
  const models = new ModelStore(deps.db);
  return manifest.parts.map((part, index): PlannedImport => {
    const label = `${part.kind} ${part.runId || `${part.name}${part.version ? `:${part.version}` : ''}`}`;
    const entries = new Map(part.files.map((f) => [f.entry, f]));
    if (part.kind === 'environment') {
      const record = part.record as unknown as EnvironmentRecordPart;
      for (const tag of record.images ?? [])
        if (typeof tag !== 'string' || !IMAGE_TAG.test(tag) || tag.includes('..'))
          throw refused(
            label,
            `it names the image "${String(tag)}", which is not an image reference`,
            'Export it again.',
          );
      for (const wheel of record.wheels ?? []) {
        if (!WHEEL_FILE.test(wheel.file))
          throw refused(
            label,
            `it names the wheel file "${wheel.file}", which is not a wheel's name`,
            'Export it again.',
          );
        const file = entries.get(wheel.entry);
        if (!file || file.sha256 !== wheel.sha256)
          throw refused(
            label,
            `it needs the private wheel ${wheel.file}, which the bundle does not carry`,
            'Add the wheel on the exporting machine (`benchtop wheel add FILE`) and export again.',
          );
        const here = deps.wheels.list().find((w) => w.file === wheel.file);
        if (here && here.sha256 !== wheel.sha256)
          throw refused(
            label,
            `its private wheel ${wheel.file} differs from the one of that name in this workspace`,
            'Give one of them a new version number (wheels are found by file name), then import again.',
          );
      }
      const def = normalizeDefinition(record.definition);
      const content = registrationContent(def);
      const same = deps.db
        .prepare('SELECT version FROM environments WHERE name = ? AND content = ? ORDER BY version DESC LIMIT 1')
        .get(def.name, content) as { version: number } | undefined;
      if (same) return { part, index, action: 'unchanged', version: String(same.version) };
      const exists = deps.db.prepare('SELECT 1 FROM environments WHERE name = ?').get(def.name);
      return { part, index, action: exists ? 'new-version' : 'added', version: '' };
    }
    if (part.kind === 'model') {
      const record = part.record as unknown as ModelPartRecord;
      for (const f of record.files)
        if (blake3.get(f.entry) !== f.digest || entries.get(f.entry)?.size !== f.size)
          throw refused(label, `its file ${f.path} is not the content its record names`, 'Export the model again.');
      const wanted = fileSetKey(record.files);
      const versions = deps.db
        .prepare('SELECT version FROM models WHERE name = ? ORDER BY version DESC')
        .all(record.model.name) as { version: number }[];
      const same = versions.find((v) => fileSetKey(models.files(record.model.name, v.version)) === wanted);
      if (same) return { part, index, action: 'unchanged', version: String(same.version) };
      return { part, index, action: versions.length ? 'new-version' : 'added', version: '' };
    }
    if (part.kind === 'run') {
      const record = part.record as unknown as RunPartRecord;
      const id = record.row.id;
      // The id names the run's folder: nothing that could lead out of runs/.
      if (typeof id !== 'string' || !RUN_ID.test(id) || id.includes('..'))
        throw refused(label, `its run id "${String(id)}" is not one Benchtop makes`, 'Export it again.');
      const existing = deps.db.prepare('SELECT id FROM runs WHERE id = ?').get(id);
      if (!existing) return { part, index, action: 'added', version: '' };
      if (sameRunFiles(deps.paths.runDir(id), record.files, part))
        return { part, index, action: 'unchanged', version: '' };
      throw refused(
        label,
        `a run with id ${id} is already in this workspace with other files`,
        'Runs are never overwritten: import into another workspace, or delete the run here first.',
      );
    }
    const exists = deps.services.list().some((s) => s.name === part.name);
    return { part, index, action: exists ? 'new-version' : 'added', version: '' };
  });
}

function fileSetKey(files: { path: string; digest: string }[]): string {
  return [...files]
    .map((f) => `${f.path}\t${f.digest}`)
    .sort()
    .join('\n');
}

/** The run here has exactly the bundle's files, byte for byte (sha256, as the manifest names them). */
function sameRunFiles(dir: string, files: string[], part: ManifestPart): boolean {
  const here = listFiles(dir).filter((f) => f !== RUN_IMPORT_MARKER);
  if (here.join('\n') !== [...files].sort().join('\n')) return false;
  return files.every((rel, i) => {
    const want = part.files.find((f) => f.entry === `p${partIndex(part)}/files/${i}`);
    if (!want) return false;
    return (
      createHash('sha256')
        .update(fs.readFileSync(path.join(dir, rel)))
        .digest('hex') === want.sha256
    );
  });
}

function partIndex(part: ManifestPart): number {
  return Number(/^p(\d+)\//.exec(part.files[0]?.entry ?? 'p0/')?.[1] ?? 0);
}

function refused(label: string, why: string, hint: string): BenchtopError {
  return new BenchtopError(
    'BAD_INPUT',
    `The bundle's part "${label}" cannot be imported: ${why}. Nothing was imported.`,
    hint,
  );
}

/**
 * Everything the bundle adds becomes visible here, in ONE write transaction: rows inserted and staged files
 * renamed into place inside it. Renames inside a transaction that then fails (or a kill -9 before COMMIT) leave
 * only files no row names: blobs (content-addressed, collected by `model delete`), a run folder marked as this
 * import's (replaced by the next import of that run), a wheel with the bytes its name promises.
 */
export function commitImport(deps: BundleDeps, plans: PlannedImport[], staging: string): ImportedPart[] {
  const models = new ModelStore(deps.db);
  const envVersions = new Map<string, string>();
  const results: ImportedPart[] = [];
  const stagedPath = (entry: string) => path.join(staging, ...entry.split('/'));
  deps.db
    .transaction(() => {
      for (const plan of plans) {
        const { part } = plan;
        if (part.kind === 'environment') {
          const record = part.record as unknown as EnvironmentRecordPart;
          for (const wheel of record.wheels ?? []) {
            const target = path.join(deps.paths.wheels, wheel.file);
            if (!fs.existsSync(target)) {
              fs.mkdirSync(deps.paths.wheels, { recursive: true });
              fs.renameSync(stagedPath(wheel.entry), target);
            }
            deps.db
              .prepare(
                'INSERT INTO wheels(file, name, version, sha256, added_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(file) DO NOTHING',
              )
              .run(wheel.file, wheel.name, wheel.version, wheel.sha256, new Date().toISOString());
          }
          const registered = plan.action === 'unchanged' ? null : deps.environments.register(record.definition);
          const version = registered ? registered.environment.version : plan.version;
          envVersions.set(`${part.name}:${part.version}`, `${part.name}:${version}`);
          results.push(result(plan, version, record.wheels?.length ? `${record.wheels.length} private wheel(s)` : ''));
        } else if (part.kind === 'model') {
          const record = part.record as unknown as ModelPartRecord;
          if (plan.action === 'unchanged') {
            results.push(result(plan, plan.version, ''));
            continue;
          }
          const staged: StagedFile[] = record.files.map((f) => ({
            tmp: stagedPath(f.entry),
            digest: f.digest,
            size: f.size,
          }));
          deps.models.blobs.publishAll(staged);
          const version = models.nextVersion(record.model.name);
          const environment = record.model.environment
            ? (envVersions.get(record.model.environment) ?? record.model.environment)
            : null;
          models.insert(
            { ...record.model, environment },
            version,
            record.files.map(({ path: p, size, digest }) => ({ path: p, size, digest })),
          );
          results.push(result(plan, String(version), ''));
        } else if (part.kind === 'run') {
          const record = part.record as unknown as RunPartRecord;
          if (plan.action !== 'unchanged') insertRun(deps, record, plan.index, staging, envVersions);
          results.push(result(plan, '', ''));
        } else {
          results.push(result(plan, '', serviceNote(part)));
        }
      }
    })
    .immediate();
  return results;
}

function insertRun(
  deps: BundleDeps,
  record: RunPartRecord,
  index: number,
  staging: string,
  envVersions: Map<string, string>,
): void {
  const id = record.row.id;
  const built = path.join(staging, `run-${index}`);
  record.files.forEach((rel, i) => {
    const target = path.join(built, ...rel.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(path.join(staging, `p${index}`, 'files', String(i)), target);
  });
  fs.mkdirSync(built, { recursive: true });
  fs.writeFileSync(path.join(built, RUN_IMPORT_MARKER), `${JSON.stringify({ runId: id })}\n`);
  const target = deps.paths.runDir(id);
  // A folder of a run with no row is one an earlier import of it left (killed before COMMIT): ours to replace.
  if (fs.existsSync(path.join(target, RUN_IMPORT_MARKER))) fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.renameSync(built, target);
  const columns = (deps.db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name);
  const row: Record<string, unknown> = { ...record.row, supervisor_pid: null };
  if (typeof row.environment === 'string' && row.environment)
    row.environment = envVersions.get(row.environment) ?? row.environment;
  if (row.parent_run_id && !deps.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(row.parent_run_id))
    row.parent_run_id = null;
  const present = columns.filter((c) => c in row);
  deps.db
    .prepare(
      `INSERT INTO runs(${present.map((c) => `"${c}"`).join(', ')}) VALUES (${present.map(() => '?').join(', ')})`,
    )
    .run(...present.map((c) => row[c] ?? null));
  // A bundle from before the params column: its run's params come from its events file (runs/paramsBackfill.ts).
  if (!('params' in row)) deps.db.prepare('INSERT OR IGNORE INTO runs_params_backfill(run_id) VALUES (?)').run(id);
}

function serviceNote(part: ManifestPart): string {
  const service = (part.record as { service?: { models?: { name: string; version: number }[]; environment?: string } })
    .service;
  const models = (service?.models ?? []).map((m) => `-m ${m.name}:${m.version}`).join(' ');
  const env = service?.environment ? ` -e ${parseNameVersion(service.environment).name}` : '';
  return `not deployed (a user deploys): benchtop service deploy -n ${part.name} ${models}${env}`;
}

function result(plan: PlannedImport, version: string, extra: string): ImportedPart {
  const { part, action } = plan;
  const name = part.kind === 'run' ? part.runId : part.name;
  const what =
    action === 'unchanged'
      ? `identical content already here${version ? ` as version ${version}` : ''}`
      : action === 'new-version'
        ? part.kind === 'service'
          ? 'a service of this name exists here with its own configuration'
          : `different content under an existing name: registered as version ${version}`
        : version
          ? `added as version ${version}`
          : 'added';
  return { kind: part.kind, name, version, action, note: extra ? `${what}; ${extra}` : what };
}
