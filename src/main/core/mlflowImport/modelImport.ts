import fs from 'node:fs';
import path from 'node:path';
import type { ImportState } from '../../../shared/api/importTypes';
import type { ModelService } from '../models/modelService';
import type { Db } from '../workspace/database';
import { type ExportedVersion, benchtopName } from './exportLines';
import type { ImportMapping } from './importMapping';

export interface VersionImportContext {
  db: Db;
  models: ModelService;
  mapping: ImportMapping;
  source: string;
  requestId: string;
  /** This import's staging folder (links naming a version's files go there). */
  staging: string;
  note: (text: string) => void;
}

/**
 * One registered model version: registered through the model service (so its files are stored
 * content-addressed, and it becomes visible in one transaction), from its run's imported files
 * when its run came in too, else from the version's own files. A version registered before a
 * killed import could record its mapping is found again by its properties and not registered twice.
 */
export async function importVersion(
  ctx: VersionImportContext,
  version: ExportedVersion,
): Promise<{ target: string; state: ImportState } | null> {
  const key = `${version.name}/${version.version}`;
  const mapped = ctx.mapping.get('model_version', key);
  const name = benchtopName(version.name, 'mlflow-model');
  const tags = { ...version.model_tags, ...version.tags };
  const description = version.description || version.model_description || undefined;
  const [mappedName, mappedVersion] = mapped ? splitRef(mapped.target) : ['', 0];
  const stillThere =
    mapped && ctx.db.prepare('SELECT 1 FROM models WHERE name = ? AND version = ?').get(mappedName, mappedVersion);
  if (mapped && stillThere) {
    await ctx.models.update({ name: mappedName, version: mappedVersion, tags, description: description ?? '' });
    ctx.mapping.put('model_version', key, mapped.target, version.fingerprint);
    return { target: mapped.target, state: 'updated' };
  }
  const earlier = findImported(ctx.db, ctx.source, key);
  if (earlier) {
    ctx.mapping.put('model_version', key, earlier, version.fingerprint);
    return { target: earlier, state: 'new' };
  }
  const runId = version.run_id ? ctx.mapping.get('run', version.run_id)?.target : undefined;
  const properties: Record<string, string> = {
    'mlflow.store': ctx.source,
    'mlflow.modelVersion': key,
    'mlflow.status': version.status,
    ...(version.source ? { 'mlflow.source': version.source } : {}),
    ...(version.run_id ? { 'mlflow.runId': version.run_id } : {}),
  };
  const fromRun = Boolean(version.run_path && runId);
  const filesAt = fromRun ? version.run_path : version.local && namedAs(ctx.staging, version.local, version.root);
  if (!filesAt) {
    ctx.note(`Model ${key}: MLflow gives no files for it (source ${version.source ?? 'none'}); not imported.`);
    return null;
  }
  if (name !== version.name) ctx.note(`Model "${version.name}" is named "${name}" here (Benchtop's model name rule).`);
  const record = await ctx.models.register({
    name,
    path: filesAt,
    ...(fromRun ? { runId } : {}),
    tags,
    properties,
    description,
    requestId: ctx.requestId,
  });
  const target = `${record.name}:${record.version}`;
  if (!fromRun) {
    // Registered through a link in staging (gone after the import): the source is the store's folder.
    if (version.local) setSource(ctx.db, record.name, record.version, version.local);
    // Its files came from the store, not the run's folder; the lineage to the imported run still holds.
    if (runId) linkToRun(ctx.db, record.name, record.version, runId);
  }
  ctx.mapping.put('model_version', key, target, version.fingerprint);
  return { target, state: 'new' };
}

/**
 * A registered folder is named by its last part ("artifacts" for an MLflow 3 logged model): a link
 * under the logged model's own name ("model") makes that the name a download and a service see.
 */
function namedAs(staging: string, local: string, root: string | undefined): string {
  if (!root || path.basename(local) === root || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(root)) return local;
  const dir = fs.mkdtempSync(path.join(staging, 'version-'));
  fs.symlinkSync(local, path.join(dir, root));
  return path.join(dir, root);
}

function splitRef(ref: string): [string, number] {
  const at = ref.lastIndexOf(':');
  return [ref.slice(0, at), Number(ref.slice(at + 1))];
}

function findImported(db: Db, source: string, key: string): string | null {
  const row = db
    .prepare(
      `SELECT name, version FROM models WHERE json_extract(properties, '$."mlflow.store"') = ?
       AND json_extract(properties, '$."mlflow.modelVersion"') = ? ORDER BY version LIMIT 1`,
    )
    .get(source, key) as { name: string; version: number } | undefined;
  return row ? `${row.name}:${row.version}` : null;
}

function setSource(db: Db, name: string, version: number, source: string): void {
  db.prepare('UPDATE models SET source = ? WHERE name = ? AND version = ?').run(source, name, version);
}

function linkToRun(db: Db, name: string, version: number, runId: string): void {
  const run = db.prepare('SELECT experiment, environment FROM runs WHERE id = ?').get(runId) as
    { experiment: string; environment: string } | undefined;
  if (!run) return;
  db.prepare('UPDATE models SET run_id = ?, experiment = ? WHERE name = ? AND version = ?').run(
    runId,
    run.experiment,
    name,
    version,
  );
}
