/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many
 * ran. Never edit a shipped entry: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE environments (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    content TEXT NOT NULL,
    build_key TEXT NOT NULL,
    backend TEXT NOT NULL,
    curated INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (name, version)
  );
  CREATE INDEX environments_build_key ON environments(build_key);
  CREATE TABLE builds (
    build_key TEXT PRIMARY KEY,
    backend TEXT NOT NULL,
    state TEXT NOT NULL,
    path TEXT,
    python_version TEXT,
    lock TEXT NOT NULL DEFAULT '[]',
    size_bytes INTEGER,
    started_at TEXT,
    finished_at TEXT,
    last_used_at TEXT,
    error TEXT
  );
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    state TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE TABLE wheels (
    file TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    added_at TEXT NOT NULL
  );
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: which process runs a job, so a job whose process died is never shown as running.
  `ALTER TABLE jobs ADD COLUMN pid INTEGER;`,
  // 3: runs.
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    experiment TEXT NOT NULL,
    status TEXT NOT NULL,
    script TEXT NOT NULL,
    arguments TEXT NOT NULL,
    environment TEXT NOT NULL,
    build_key TEXT,
    target TEXT NOT NULL,
    source_dir TEXT NOT NULL,
    max_duration_s INTEGER,
    created_at TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT,
    exit_code INTEGER,
    reason TEXT,
    supervisor_pid INTEGER,
    metrics TEXT NOT NULL DEFAULT '{}',
    tags TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX runs_experiment ON runs(experiment, created_at);
  CREATE INDEX runs_status ON runs(status);
  CREATE INDEX runs_created ON runs(created_at);
  `,
  // 4: the model registry. Files are stored once per digest (models/blobs); rows say which version has which.
  `
  CREATE TABLE models (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    description TEXT,
    framework TEXT NOT NULL,
    framework_version TEXT,
    tags TEXT NOT NULL DEFAULT '{}',
    properties TEXT NOT NULL DEFAULT '{}',
    run_id TEXT,
    experiment TEXT,
    environment TEXT,
    root TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('file', 'folder')),
    size INTEGER NOT NULL,
    file_count INTEGER NOT NULL,
    source TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (name, version)
  );
  CREATE INDEX models_run ON models(run_id);
  CREATE TABLE model_files (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (name, version, path),
    FOREIGN KEY (name, version) REFERENCES models(name, version) ON DELETE CASCADE
  );
  CREATE INDEX model_files_digest ON model_files(digest);
  `,
  // 5: local web services and the model versions each one serves.
  `
  CREATE TABLE services (
    name TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    port INTEGER NOT NULL,
    entry_script TEXT,
    source_dir TEXT,
    environment TEXT NOT NULL,
    workers INTEGER NOT NULL,
    timeout_ms INTEGER NOT NULL,
    max_body_mb REAL NOT NULL,
    target TEXT NOT NULL,
    pid INTEGER,
    deployer_pid INTEGER,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE service_models (
    service TEXT NOT NULL REFERENCES services(name) ON DELETE CASCADE,
    model TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (service, model, version)
  );
  `,
  // 6: container services: the container serving it (found again by its labels after a restart).
  `
  ALTER TABLE services ADD COLUMN container_id TEXT;
  `,
  // 7: runs from the SDK (Python notebooks): child runs, Azure's display name, description and
  // add-only properties, the run's Azure type; runs without a script (interactive, child) have
  // target "sdk" and their owning Python process in supervisor_pid.
  `
  ALTER TABLE runs ADD COLUMN parent_run_id TEXT;
  ALTER TABLE runs ADD COLUMN display_name TEXT;
  ALTER TABLE runs ADD COLUMN description TEXT;
  ALTER TABLE runs ADD COLUMN properties TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE runs ADD COLUMN run_type TEXT;
  CREATE INDEX runs_parent ON runs(parent_run_id);
  `,
  // 8: imports from MLflow stores: which source run (or model version) became which Benchtop run (or
  // version), and a fingerprint of what was imported, so importing again adds nothing or brings it up to date.
  `
  CREATE TABLE mlflow_imports (
    source TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('run', 'model_version')),
    source_id TEXT NOT NULL,
    target TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (source, kind, source_id)
  );
  `,
  // 9: MLflow model folders: what their MLmodel says (flavors, signature, requirements) as JSON; NULL for other models.
  `
  ALTER TABLE models ADD COLUMN mlflow TEXT;
  `,
  // 10: the MLflow tracking endpoint: MLflow's numeric experiment ids for Benchtop's experiment names ("0" is
  // Default), the logged models of mlflow.<flavor>.log_model (their files live in the run's files), run inputs/outputs.
  `
  CREATE TABLE mlflow_experiments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
    creation_time INTEGER NOT NULL,
    last_update_time INTEGER NOT NULL,
    tags TEXT NOT NULL DEFAULT '{}'
  );
  INSERT INTO mlflow_experiments(id, name, creation_time, last_update_time)
    VALUES (0, 'Default', CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
  CREATE TABLE mlflow_logged_models (
    model_id TEXT PRIMARY KEY,
    experiment_id TEXT NOT NULL,
    name TEXT NOT NULL,
    source_run_id TEXT,
    artifact_path TEXT NOT NULL,
    status TEXT NOT NULL,
    status_message TEXT,
    model_type TEXT,
    creation_time INTEGER NOT NULL,
    last_update_time INTEGER NOT NULL,
    tags TEXT NOT NULL DEFAULT '{}',
    params TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX mlflow_logged_models_run ON mlflow_logged_models(source_run_id);
  CREATE TABLE mlflow_run_links (
    run_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX mlflow_run_links_run ON mlflow_run_links(run_id);
  `,
  // 11: MLflow's model registry on Benchtop's models: what MLflow has and Benchtop's registry does not (a registered
  // model before its first version, its description and tags; a version's MLflow source, stage and model id; aliases).
  `
  CREATE TABLE mlflow_registered_models (
    name TEXT PRIMARY KEY,
    description TEXT,
    tags TEXT NOT NULL DEFAULT '{}',
    creation_time INTEGER NOT NULL,
    last_update_time INTEGER NOT NULL
  );
  CREATE TABLE mlflow_model_versions (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    source TEXT NOT NULL,
    model_id TEXT,
    stage TEXT NOT NULL DEFAULT 'None',
    last_update_time INTEGER NOT NULL,
    PRIMARY KEY (name, version)
  );
  CREATE TABLE mlflow_model_aliases (
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (name, alias)
  );
  `,
  // 12: datasets (issue 16): versions of files/tables stored in the models' blob store, and their lineage into runs
  // and models. `uuid` is Azure's dataset id; `hidden` marks anonymous datasets (inputs that were never registered).
  `
  CREATE TABLE datasets (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    uuid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    description TEXT,
    tags TEXT NOT NULL DEFAULT '{}',
    tabular TEXT,
    source TEXT NOT NULL DEFAULT '[]',
    size INTEGER NOT NULL,
    file_count INTEGER NOT NULL,
    content_digest TEXT NOT NULL,
    created_at TEXT NOT NULL,
    profile TEXT,
    run_id TEXT,
    hidden INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (name, version)
  );
  CREATE INDEX datasets_content ON datasets(name, content_digest);
  CREATE TABLE dataset_files (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (name, version, path)
  );
  CREATE INDEX dataset_files_digest ON dataset_files(digest);
  CREATE TABLE run_datasets (
    run_id TEXT NOT NULL,
    input_name TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    mode TEXT NOT NULL,
    via TEXT NOT NULL,
    path TEXT,
    PRIMARY KEY (run_id, input_name, name, version)
  );
  CREATE INDEX run_datasets_dataset ON run_datasets(name, version);
  CREATE TABLE model_datasets (
    model TEXT NOT NULL,
    model_version INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (model, model_version, purpose, name, version)
  );
  CREATE INDEX model_datasets_dataset ON model_datasets(name, version);
  `,
  // 13: which dataset names changed, kept by triggers, so a UI process learns of other processes' dataset changes
  // by reading the few names past its last seen sequence, not by fingerprinting every dataset, run use and model link.
  `
  CREATE TABLE dataset_changes (
    name TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
  );
  CREATE INDEX dataset_changes_seq ON dataset_changes(seq);
  CREATE TRIGGER datasets_insert_changes AFTER INSERT ON datasets BEGIN
    INSERT INTO dataset_changes(name, seq) VALUES (NEW.name, (SELECT coalesce(max(seq), 0) + 1 FROM dataset_changes))
      ON CONFLICT(name) DO UPDATE SET seq = excluded.seq;
  END;
  CREATE TRIGGER datasets_update_changes AFTER UPDATE ON datasets BEGIN
    INSERT INTO dataset_changes(name, seq) VALUES (NEW.name, (SELECT coalesce(max(seq), 0) + 1 FROM dataset_changes))
      ON CONFLICT(name) DO UPDATE SET seq = excluded.seq;
  END;
  CREATE TRIGGER datasets_delete_changes AFTER DELETE ON datasets BEGIN
    INSERT INTO dataset_changes(name, seq) VALUES (OLD.name, (SELECT coalesce(max(seq), 0) + 1 FROM dataset_changes))
      ON CONFLICT(name) DO UPDATE SET seq = excluded.seq;
  END;
  CREATE TRIGGER run_datasets_insert_changes AFTER INSERT ON run_datasets BEGIN
    INSERT INTO dataset_changes(name, seq) VALUES (NEW.name, (SELECT coalesce(max(seq), 0) + 1 FROM dataset_changes))
      ON CONFLICT(name) DO UPDATE SET seq = excluded.seq;
  END;
  CREATE TRIGGER run_datasets_update_changes AFTER UPDATE ON run_datasets BEGIN
    INSERT INTO dataset_changes(name, seq) VALUES (NEW.name, (SELECT coalesce(max(seq), 0) + 1 FROM dataset_changes))
      ON CONFLICT(name) DO UPDATE SET seq = excluded.seq;
  END;
  CREATE TRIGGER run_datasets_delete_changes AFTER DELETE ON run_datasets BEGIN
    INSERT INTO dataset_changes(name, seq) VALUES (OLD.name, (SELECT coalesce(max(seq), 0) + 1 FROM dataset_changes))
      ON CONFLICT(name) DO UPDATE SET seq = excluded.seq;
  END;
  CREATE TRIGGER model_datasets_insert_changes AFTER INSERT ON model_datasets BEGIN
    INSERT INTO dataset_changes(name, seq) VALUES (NEW.name, (SELECT coalesce(max(seq), 0) + 1 FROM dataset_changes))
      ON CONFLICT(name) DO UPDATE SET seq = excluded.seq;
  END;
  CREATE TRIGGER model_datasets_update_changes AFTER UPDATE ON model_datasets BEGIN
    INSERT INTO dataset_changes(name, seq) VALUES (NEW.name, (SELECT coalesce(max(seq), 0) + 1 FROM dataset_changes))
      ON CONFLICT(name) DO UPDATE SET seq = excluded.seq;
  END;
  CREATE TRIGGER model_datasets_delete_changes AFTER DELETE ON model_datasets BEGIN
    INSERT INTO dataset_changes(name, seq) VALUES (OLD.name, (SELECT coalesce(max(seq), 0) + 1 FROM dataset_changes))
      ON CONFLICT(name) DO UPDATE SET seq = excluded.seq;
  END;
  `,
  // 14: the run queue (priority, what a run asked for, what the queue gave it) and HyperDrive sweeps.
  // A queued run has no supervisor yet: the queue owner (src/main/queue) claims it (queue_claimed_at) in a
  // transaction before it starts one, so a cancel and a start never both win.
  `
  ALTER TABLE runs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE runs ADD COLUMN resources TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE runs ADD COLUMN assigned TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE runs ADD COLUMN pool INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE runs ADD COLUMN queue_claimed_at TEXT;
  CREATE INDEX runs_queue ON runs(status, priority DESC, created_at);
  CREATE TABLE sweeps (
    id TEXT PRIMARY KEY,
    experiment TEXT NOT NULL,
    config TEXT NOT NULL,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    ended_at TEXT,
    best_run_id TEXT,
    best_value REAL,
    message TEXT,
    warnings TEXT NOT NULL DEFAULT '[]'
  );
  CREATE TABLE sweep_trials (
    sweep_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    run_id TEXT NOT NULL UNIQUE,
    params TEXT NOT NULL,
    early_terminated INTEGER NOT NULL DEFAULT 0,
    primary_value REAL,
    steps INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (sweep_id, n)
  );
  `,
  // 15: MLflow-logged params (log_param, log-batch, imports) as a summary column, as metrics have one: the runs
  // table reads them in one statement instead of every run's events file. Runs from before it are queued in
  // runs_params_backfill and filled lazily (runs/paramsBackfill.ts), so opening a big workspace stays instant.
  `
  ALTER TABLE runs ADD COLUMN params TEXT NOT NULL DEFAULT '{}';
  CREATE TABLE runs_params_backfill (run_id TEXT PRIMARY KEY);
  INSERT INTO runs_params_backfill(run_id) SELECT id FROM runs;
  `,
];
