import type { Db } from '../workspace/database';
import { nowIso } from '../workspace/files';

export type MappedKind = 'run' | 'model_version';

export interface Mapped {
  target: string;
  fingerprint: string;
}

/** Which MLflow run (or model version) of which store became which Benchtop run (or version): table mlflow_imports. */
export class ImportMapping {
  constructor(
    private readonly db: Db,
    private readonly source: string,
  ) {}

  get(kind: MappedKind, sourceId: string): Mapped | undefined {
    return this.db
      .prepare('SELECT target, fingerprint FROM mlflow_imports WHERE source = ? AND kind = ? AND source_id = ?')
      .get(this.source, kind, sourceId) as Mapped | undefined;
  }

  /** Fingerprints of everything already imported from this store: the exporter skips those unchanged. */
  known(stillThere: (kind: MappedKind, target: string) => boolean): {
    runs: Record<string, string>;
    versions: Record<string, string>;
  } {
    const rows = this.db
      .prepare('SELECT kind, source_id, target, fingerprint FROM mlflow_imports WHERE source = ?')
      .all(this.source) as { kind: MappedKind; source_id: string; target: string; fingerprint: string }[];
    const out = { runs: {} as Record<string, string>, versions: {} as Record<string, string> };
    for (const row of rows)
      if (stillThere(row.kind, row.target))
        (row.kind === 'run' ? out.runs : out.versions)[row.source_id] = row.fingerprint;
    return out;
  }

  /** Call inside the transaction that makes the target visible, so both appear together or neither. */
  put(kind: MappedKind, sourceId: string, target: string, fingerprint: string): void {
    this.db
      .prepare(
        `INSERT INTO mlflow_imports(source, kind, source_id, target, fingerprint, imported_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(source, kind, source_id) DO UPDATE SET target = excluded.target, fingerprint = excluded.fingerprint,
         imported_at = excluded.imported_at`,
      )
      .run(this.source, kind, sourceId, target, fingerprint, nowIso());
  }
}
