import { useEffect, useState } from 'react';
import { MODEL_FRAMEWORKS, MODEL_NAME_PATTERN } from '../../../shared/api/modelTypes';
import type { RunSummary } from '../../../shared/api/runTypes';
import { useModels, type RegisterPrefill } from '../../stores/models';
import { FieldError, useFieldErrors } from '../../components/FieldError';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { FormHeader } from '../../components/FormHeader';
import { PathField } from '../../components/PathField';
import { JobProgressParts } from './JobProgress';
import { parseLines } from './modelActions';
import { nameFromBase } from './registryName';
import { useJobRequest } from './useJobRequest';

/** A model name from a path: "outputs/sk-model.joblib" -> "sk-model". */
function nameFrom(path: string | undefined): string {
  return nameFromBase((path ?? '').replace(/\/+$/, '').split(/[\\/]/).pop() ?? '');
}

/** A run's files you can register: outputs (each file and each folder), then uploads. */
export function runChoices(files: { outputs: string[]; uploads: string[] }): string[] {
  const outputs = files.outputs.map((f) => `outputs/${f}`);
  const folders = new Set<string>();
  for (const f of outputs) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length - 1; i++) folders.add(`${parts.slice(0, i + 1).join('/')}/`);
  }
  return [...folders, ...outputs, ...files.uploads.filter((u) => !outputs.includes(u))].sort();
}

function RunSource({
  runId,
  setRunId,
  path,
  setPath,
}: {
  runId: string;
  setRunId(id: string): void;
  path: string;
  setPath(p: string): void;
}) {
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [loaded, setLoaded] = useState<{ runId: string; choices: string[] } | null>(null);
  const choices = loaded && loaded.runId === runId ? loaded.choices : null;
  useEffect(() => {
    client.runs.list({ limit: 200, sortOrder: 'desc' }).then(
      (r) => setRuns(r.runs),
      (e: unknown) => useUi.getState().showError(e),
    );
  }, []);
  useEffect(() => {
    if (runId)
      client.runs.files({ runId }).then(
        (f) => setLoaded({ runId, choices: runChoices(f) }),
        (e: unknown) => useUi.getState().showError(e),
      );
  }, [runId]);
  return (
    <>
      <label>
        Run
        <select
          aria-label="Run"
          value={runId}
          onChange={(e) => {
            setRunId(e.target.value);
            setPath('');
          }}
        >
          <option value="">Choose a run…</option>
          {(runs ?? []).map((r) => (
            <option key={r.id} value={r.id}>
              {r.id} · {r.status}
            </option>
          ))}
        </select>
      </label>
      {runs?.length === 0 ? (
        <p className="muted">No runs yet: submit one that saves its model under ./outputs.</p>
      ) : null}
      {runId && choices?.length === 0 ? (
        <p className="muted">
          This run has no outputs: save the model under ./outputs (or upload it with run.upload_file).
        </p>
      ) : null}
      {choices && choices.length > 0 ? (
        <fieldset className="choices">
          <legend>File or folder of the run</legend>
          {choices.map((c) => (
            <label key={c} className="inline">
              <input type="radio" name="run-path" value={c} checked={path === c} onChange={() => setPath(c)} />{' '}
              <code>{c}</code>
            </label>
          ))}
        </fieldset>
      ) : null}
    </>
  );
}

export function RegisterModelView({ prefill }: { prefill: RegisterPrefill }) {
  const [from, setFrom] = useState<'path' | 'run'>(prefill.runId ? 'run' : 'path');
  const [localPath, setLocalPath] = useState(prefill.runId ? '' : (prefill.path ?? ''));
  const [runId, setRunId] = useState(prefill.runId ?? '');
  const [runPath, setRunPath] = useState(prefill.runId ? (prefill.path ?? '') : '');
  const [name, setName] = useState(prefill.name ?? nameFrom(prefill.path));
  const [nameTouched, setNameTouched] = useState(Boolean(prefill.name));
  const [framework, setFramework] = useState('Custom');
  const [frameworkVersion, setFrameworkVersion] = useState('');
  const [description, setDescription] = useState('');
  const [tagsText, setTagsText] = useState('');
  const [propertiesText, setPropertiesText] = useState('');
  const errors = useFieldErrors('registerModel');
  const { job, busy, run, cancel } = useJobRequest(errors.fail);

  const path = from === 'run' ? runPath : localPath;
  const tags = parseLines(tagsText, 'Tags');
  const properties = parseLines(propertiesText, 'Properties');
  const nameError =
    name && !MODEL_NAME_PATTERN.test(name)
      ? 'Use letters, digits, ".", "_" or "-", starting with a letter or a digit.'
      : null;
  const problems = [nameError, tags.error, properties.error].filter(Boolean);
  const ready = Boolean(name && path.trim() && (from === 'path' || runId)) && problems.length === 0;

  const choosePath = (next: string, set: (v: string) => void) => {
    set(next);
    errors.edited('path');
    if (!nameTouched) setName(nameFrom(next));
  };

  const register = () =>
    run(async (requestId) => {
      const model = await client.models.register({
        name,
        path: path.trim(),
        runId: from === 'run' ? runId : undefined,
        framework,
        frameworkVersion: frameworkVersion.trim() || undefined,
        description: description.trim() || undefined,
        tags: tags.values,
        properties: properties.values,
        requestId,
      });
      errors.clear();
      useUi.getState().notify(`Registered ${model.id}.`);
      await useModels.getState().refresh();
      await useModels.getState().select(model.name, model.version);
    });

  return (
    <article className="detail" aria-label="Register model">
      <FormHeader title="Register model" onClose={() => useModels.getState().closeRegister()} busy={busy} />
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) void register();
        }}
      >
        <fieldset className="row" role="radiogroup" aria-label="Register from">
          <label className="inline">
            <input type="radio" name="from" checked={from === 'path'} onChange={() => setFrom('path')} /> A file or
            folder on this computer
          </label>
          <label className="inline">
            <input type="radio" name="from" checked={from === 'run'} onChange={() => setFrom('run')} /> A run&apos;s
            outputs
          </label>
        </fieldset>
        {from === 'path' ? (
          <PathField
            label="File or folder path"
            value={localPath}
            onChange={(p) => choosePath(p, setLocalPath)}
            kinds={['file', 'folder']}
            placeholder="/home/me/models/model.joblib"
          />
        ) : (
          <RunSource
            runId={runId}
            setRunId={setRunId}
            path={runPath}
            setPath={(p) => choosePath(p.replace(/\/$/, ''), setRunPath)}
          />
        )}
        <FieldError error={errors.error} field="path" form="registerModel" />
        <FieldError error={errors.error} field="runId" form="registerModel" />
        <label>
          Name
          <input
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setNameTouched(true);
              errors.edited('name');
            }}
            aria-invalid={Boolean(nameError) || errors.error?.field === 'name'}
          />
        </label>
        <FieldError error={errors.error} field="name" form="registerModel" />
        {nameError ? <div className="field-error">{nameError}</div> : null}
        <div className="row">
          <label>
            Framework
            <select aria-label="Framework" value={framework} onChange={(e) => setFramework(e.target.value)}>
              {MODEL_FRAMEWORKS.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </label>
          <label>
            Framework version
            <input
              value={frameworkVersion}
              onChange={(e) => setFrameworkVersion(e.target.value)}
              placeholder="e.g. 1.5.2"
            />
          </label>
        </div>
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label>
          Tags (one key=value per line)
          <textarea rows={3} value={tagsText} onChange={(e) => setTagsText(e.target.value)} />
        </label>
        <label>
          Properties (add-only; one key=value per line)
          <textarea
            rows={2}
            value={propertiesText}
            onChange={(e) => {
              setPropertiesText(e.target.value);
              errors.edited('properties');
            }}
          />
        </label>
        <FieldError error={errors.error} field="properties" form="registerModel" />
        {[tags.error, properties.error].filter(Boolean).map((p) => (
          <div key={p} className="field-error">
            {p}
          </div>
        ))}
        <div className="row">
          <button type="submit" className="primary" disabled={!ready || busy}>
            Register
          </button>
          {busy ? (
            <>
              <JobProgressParts job={job} cancel={cancel} cancelLabel="Cancel registration" />
            </>
          ) : null}
        </div>
        <div className="form-message">
          <FieldError error={errors.error} field="form" form="registerModel" />
        </div>
      </form>
    </article>
  );
}
