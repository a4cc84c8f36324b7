import { useEffect, useMemo, useState } from 'react';
import type { ApiError } from '../../../shared/errors';
import { BenchtopError, toApiError } from '../../../shared/errors';
import {
  type EnvironmentDefinition,
  condaPackagesOf,
  pipPackagesOf,
  pythonVersionOf,
  withPackages,
  withPythonVersion,
} from '../../../shared/environments/definition';
import { assertNotReserved, assertValidName } from '../../../shared/environments/names';
import { definitionYamlText, parseDefinitionText } from '../../../shared/environments/parse';
import { ListField } from '../../components/ListField';
import { CodeEditor } from '../../components/editor/CodeEditor';
import { FieldError } from '../../components/FieldError';
import { uiError } from '../../forms/uiErrors';
import { useEnvironments } from '../../stores/environments';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';

function nameProblem(name: string): string | null {
  try {
    assertValidName(name);
    assertNotReserved(name);
    return null;
  } catch (err) {
    return err instanceof BenchtopError ? `${err.message} ${err.hint ?? ''}` : String(err);
  }
}

/**
 * The definition's own errors (not the YAML/JSON syntax, which the editor finds itself) at their line.
 * Without a line the error shows beside the editor only.
 */
function definitionErrors(error: ApiError | null) {
  const line = error?.location?.line;
  if (!error || !line || error.code === 'PARSE_ERROR') return [];
  return [{ line, column: error.location?.column, message: error.message }];
}

function serialise(def: EnvironmentDefinition, format: 'yaml' | 'json'): string {
  return format === 'json' ? JSON.stringify(def, null, 2) : definitionYamlText(def);
}

export function EnvironmentEditor({
  base,
  clone,
}: {
  base: { definition: EnvironmentDefinition; name: string } | null;
  clone: boolean;
}) {
  const { setMode, select } = useEnvironments();
  const [definition, setDefinition] = useState<EnvironmentDefinition | null>(
    base
      ? {
          ...base.definition,
          name: clone ? `my-${base.name.replace(/^(Benchtop|AzureML)-?/i, '').toLowerCase()}` : base.name,
        }
      : null,
  );
  const [pythonChoices, setPythonChoices] = useState<string[]>([]);
  const [view, setView] = useState<'form' | 'raw'>('form');
  const [format, setFormat] = useState<'yaml' | 'json'>('yaml');
  const [raw, setRaw] = useState('');
  const [rawError, setRawError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [localImages, setLocalImages] = useState<string[]>([]);
  const [coreCheck, setCoreCheck] = useState<{ text: string; format: 'yaml' | 'json' } | null>(null);

  // The core validates what the renderer's parse accepted (its checks may go further); its error, at its line.
  useEffect(() => {
    if (!coreCheck) return;
    let current = true;
    const timer = setTimeout(() => {
      client.environments
        .validateText(coreCheck)
        .then(() => undefined)
        .catch((err: unknown) => current && setRawError(err instanceof BenchtopError ? err.toData() : toApiError(err)));
    }, 400);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [coreCheck]);

  useEffect(() => {
    if (!definition)
      void client.environments
        .scaffold({ name: '' })
        .then((d) => setDefinition({ ...d, environmentVariables: {} }))
        .catch((e: unknown) => useUi.getState().showError(e));
    void client.app
      .info({})
      .then((info) =>
        setPythonChoices([...new Set(info.interpreters.map((i) => i.version.split('.').slice(0, 2).join('.')))]),
      )
      .catch(() => undefined);
    // Base image suggestions: what the engine has (nothing is pulled); no engine, no suggestions.
    void client.docker
      .images({})
      .then((images) => setLocalImages(images.flatMap((i) => i.tags).filter((t) => !t.startsWith('benchtop/env:'))))
      .catch(() => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const conda = useMemo(
    () => (definition ? condaPackagesOf(definition).filter((p) => !/^python(\s|=|>|<|~|$)/i.test(p)) : []),
    [definition],
  );
  if (!definition) return <div className="muted pad">Preparing a new definition...</div>;
  const pip = pipPackagesOf(definition);
  const python = pythonVersionOf(definition);
  const problem = definition.name ? nameProblem(definition.name) : 'Give the environment a name.';

  const switchView = (next: 'form' | 'raw', nextFormat = format) => {
    if (next === 'raw') {
      setRaw(serialise(definition, nextFormat));
      setRawError(null);
    }
    setView(next);
    setFormat(nextFormat);
  };
  const editRaw = (text: string) => {
    setRaw(text);
    try {
      setDefinition(parseDefinitionText(text, format));
      setRawError(null);
      setCoreCheck({ text, format });
    } catch (err) {
      setRawError(err instanceof BenchtopError ? err.toData() : { code: 'PARSE_ERROR', message: String(err) });
    }
  };
  const register = async () => {
    setSaving(true);
    try {
      const result = await client.environments.register({ definition });
      const { name, version } = result.environment;
      useUi
        .getState()
        .notify(
          result.created
            ? `Registered ${name} version ${version}.`
            : `Unchanged: ${name} version ${version} already has this definition.`,
        );
      await useEnvironments.getState().refresh();
      await select(name);
    } catch (err) {
      useUi.getState().showError(err);
    } finally {
      setSaving(false);
    }
  };
  const set = (patch: Partial<EnvironmentDefinition>) => setDefinition({ ...definition, ...patch });

  return (
    <article className="detail editor" aria-label="Environment editor">
      <header className="detail-header">
        <h2>{base && !clone ? `New version of ${base.name}` : clone ? `Clone of ${base?.name}` : 'New environment'}</h2>
        <span className="spacer" />
        <div role="tablist" className="tabs compact">
          <button
            type="button"
            role="tab"
            aria-selected={view === 'form'}
            className={view === 'form' ? 'active' : ''}
            onClick={() => switchView('form')}
          >
            Form
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={view === 'raw' && format === 'yaml'}
            className={view === 'raw' && format === 'yaml' ? 'active' : ''}
            onClick={() => switchView('raw', 'yaml')}
            disabled={rawError !== null}
          >
            YAML
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={view === 'raw' && format === 'json'}
            className={view === 'raw' && format === 'json' ? 'active' : ''}
            onClick={() => switchView('raw', 'json')}
            disabled={rawError !== null}
          >
            JSON
          </button>
        </div>
      </header>
      {view === 'form' ? (
        <div className="form">
          <label>
            Name
            <input
              value={definition.name}
              onChange={(e) => set({ name: e.target.value })}
              disabled={Boolean(base && !clone)}
              aria-invalid={problem !== null}
              autoFocus
            />
          </label>
          {problem && definition.name ? (
            <div className="field-error" role="alert">
              {problem}
            </div>
          ) : null}
          <label className="inline">
            <input
              type="checkbox"
              checked={definition.python.userManagedDependencies}
              onChange={(e) => set({ python: { ...definition.python, userManagedDependencies: e.target.checked } })}
            />
            User-managed (use an existing interpreter as it is; nothing is installed)
          </label>
          {definition.python.userManagedDependencies ? (
            <label>
              Interpreter path
              <input
                value={definition.python.interpreterPath}
                onChange={(e) => set({ python: { ...definition.python, interpreterPath: e.target.value } })}
                placeholder="/usr/bin/python3"
              />
            </label>
          ) : (
            <>
              <label>
                Python version
                <select
                  value={python ?? ''}
                  onChange={(e) => setDefinition(withPythonVersion(definition, e.target.value))}
                >
                  {python && !pythonChoices.includes(python) ? (
                    <option value={python}>{python} (not found on this machine)</option>
                  ) : null}
                  {python === null ? <option value="">default interpreter</option> : null}
                  {pythonChoices.map((v) => (
                    <option key={v} value={v}>
                      {v}
                    </option>
                  ))}
                </select>
              </label>
              <ListField
                label="Conda packages (one per line; the venv backend maps them to pip)"
                rows={4}
                values={conda}
                onChange={(next) => setDefinition(withPackages(definition, next, pip))}
                placeholder="numpy=1.26"
              />
              <ListField
                label="Pip packages (one per line)"
                ariaLabel="Pip packages"
                rows={5}
                values={pip}
                onChange={(next) => setDefinition(withPackages(definition, conda, next))}
                placeholder="scikit-learn==1.5.2"
              />
            </>
          )}
          <ListField
            label="Environment variables (KEY=VALUE, one per line)"
            values={Object.entries(definition.environmentVariables).map(([k, v]) => `${k}=${v}`)}
            onChange={(next) =>
              set({
                environmentVariables: Object.fromEntries(
                  next.map((l) => [l.split('=')[0] ?? l, l.includes('=') ? l.slice(l.indexOf('=') + 1) : '']),
                ),
              })
            }
          />
          <fieldset>
            <legend>Docker (used by the Docker backend)</legend>
            <label>
              Base image
              <input
                list="local-images"
                value={definition.docker.baseImage ?? ''}
                onChange={(e) => set({ docker: { ...definition.docker, baseImage: e.target.value || null } })}
              />
              <datalist id="local-images">
                {localImages.map((tag) => (
                  <option key={tag} value={tag} />
                ))}
              </datalist>
            </label>
            <ListField
              label="Container arguments (one per line: --memory, 4g, --gpus, all, --shm-size, 2g, ...)"
              rows={2}
              values={definition.docker.arguments}
              onChange={(next) => set({ docker: { ...definition.docker, arguments: next } })}
            />
            <div className="field">
              <span id="base-dockerfile-label">Base Dockerfile (replaces the base image)</span>
              <CodeEditor
                language="dockerfile"
                label="Base Dockerfile"
                value={definition.docker.baseDockerfile ?? ''}
                onChange={(text) => set({ docker: { ...definition.docker, baseDockerfile: text || null } })}
                minHeight={72}
              />
            </div>
          </fieldset>
        </div>
      ) : (
        <div className="raw-definition">
          {rawError ? (
            <FieldError error={uiError(rawError, 'environment')} field="definition" form="environment" />
          ) : (
            <div className="ok-line">Valid definition.</div>
          )}
          <CodeEditor
            language={format}
            value={raw}
            onChange={editRaw}
            label={`Definition (${format.toUpperCase()})`}
            errors={definitionErrors(rawError)}
            minHeight={360}
            maxHeight={900}
          />
        </div>
      )}
      <footer className="row">
        <button
          type="button"
          className="primary"
          disabled={saving || problem !== null || rawError !== null}
          onClick={() => void register()}
        >
          {saving ? 'Registering...' : 'Register'}
        </button>
        <button type="button" onClick={() => setMode({ kind: 'view' })}>
          Close
        </button>
        <span className="muted">Registering identical content returns the existing version.</span>
      </footer>
    </article>
  );
}
