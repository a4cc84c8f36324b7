import type { MlflowModelInfo } from '../../../shared/api/modelTypes';

type Spec = Record<string, unknown>[] | null;

const typeOf = (column: Record<string, unknown>) =>
  column.type === 'tensor' ? `tensor ${JSON.stringify(column['tensor-spec'] ?? {})}` : String(column.type ?? '');

/** One part of a signature (inputs, outputs, params) as rows: name, type, required or default. */
function SpecTable({ title, spec }: { title: string; spec: Spec }) {
  if (!spec?.length) return null;
  return (
    <table className="table" aria-label={`Signature ${title}`}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th>Name</th>
          <th>Type</th>
          <th>{title === 'params' ? 'Default' : 'Required'}</th>
        </tr>
      </thead>
      <tbody>
        {spec.map((column, i) => (
          <tr key={i}>
            <td>{column.name === undefined ? <span className="muted">(unnamed)</span> : String(column.name)}</td>
            <td>
              <code>{typeOf(column)}</code>
            </td>
            <td>
              {title === 'params' ? JSON.stringify(column.default ?? null) : column.required === false ? 'no' : 'yes'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A flavor's settings that are plain values (nested ones, such as env, are in `model show --json`). */
function flavorSettings(config: Record<string, unknown>): string {
  return Object.entries(config)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(' · ');
}

/** What a registered MLflow model's MLmodel says: flavors, signature, Python and requirements, lineage. */
export function MlflowInfo({ info }: { info: MlflowModelInfo }) {
  const servable = Object.hasOwn(info.flavors, 'python_function');
  return (
    <section aria-label="MLflow model">
      <h4>MLflow model</h4>
      <p className={servable ? '' : 'field-error'}>
        {servable
          ? 'Has a python_function flavor: deploys without an entry script (the built-in MLflow scorer).'
          : `No python_function flavor (${Object.keys(info.flavors).join(', ')}): deploy it with an entry script.`}
      </p>
      <dl className="facts">
        <dt>MLmodel</dt>
        <dd>
          <code>{info.path}/MLmodel</code>
          {info.mlflowVersion ? ` · mlflow ${info.mlflowVersion}` : ''}
        </dd>
        {info.runId ? (
          <>
            <dt>MLflow run</dt>
            <dd>
              {info.runId}
              {info.artifactPath ? ` · ${info.artifactPath}` : ''}
            </dd>
          </>
        ) : null}
        {info.modelUuid ? (
          <>
            <dt>Model UUID</dt>
            <dd>
              <code>{info.modelUuid}</code>
            </dd>
          </>
        ) : null}
        <dt>Python</dt>
        <dd>
          {info.pythonVersion ?? <span className="muted">not said</span>}
          {info.environmentFile ? <span className="muted"> · from {info.environmentFile}</span> : null}
        </dd>
      </dl>
      <table className="table" aria-label="Flavors">
        <thead>
          <tr>
            <th>Flavor</th>
            <th>Settings</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(info.flavors).map(([name, config]) => (
            <tr key={name}>
              <td>
                <code>{name}</code>
              </td>
              <td>{flavorSettings(config)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Signature</h4>
      {info.signature ? (
        <>
          <SpecTable title="inputs" spec={info.signature.inputs} />
          <SpecTable title="outputs" spec={info.signature.outputs} />
          <SpecTable title="params" spec={info.signature.params} />
        </>
      ) : (
        <p className="muted">The model was saved without a signature.</p>
      )}
      <h4>Requirements</h4>
      {info.requirements.length || info.condaDependencies.length ? (
        <ul aria-label="Requirements">
          {[...info.condaDependencies.map((d) => `${d} (conda)`), ...info.requirements].map((r) => (
            <li key={r}>
              <code>{r}</code>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None listed.</p>
      )}
    </section>
  );
}
