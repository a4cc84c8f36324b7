import { useEffect, useState } from 'react';
import { type MlflowModelInfo, parseModelRef } from '../../../shared/api/modelTypes';
import { type ScoreResult, type ServiceRecord, serving } from '../../../shared/api/serviceTypes';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { BODY_KINDS, type BodyKind, readyBody } from './requestBodies';

function urlOf(service: ServiceRecord, route: string): string {
  return service.scoringUri.replace(/\/score$/, route);
}

function curlLine(service: ServiceRecord, body: string, route: string, contentType: string): string {
  const data = contentType === 'text/csv' ? body : body.replace(/\s*\n\s*/g, ' ');
  return `curl -X POST ${urlOf(service, route)} -H 'Content-Type: ${contentType}' --data-binary '${data.replace(/'/g, "'\\''")}'`;
}

/** The MLflow metadata of the (single) model a service serves, to build ready-made bodies from. */
function useMlflowInfo(service: ServiceRecord): MlflowModelInfo | null {
  const ref = service.models.length === 1 ? service.models[0] : undefined;
  // Kept with the model it belongs to: another service's answer never shows for this one.
  const [loaded, setLoaded] = useState<{ ref: string; info: MlflowModelInfo | null } | null>(null);
  useEffect(() => {
    if (!ref) return;
    let current = true;
    client.models.get(parseModelRef(ref)).then(
      (model) => current && setLoaded({ ref, info: model.mlflow ?? null }),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [ref]);
  return loaded && loaded.ref === ref ? loaded.info : null;
}

/**
 * Edit a body, send it to Azure's /score or MLflow's /invocations (each JSON shape, or CSV), see status,
 * latency, headers and body; a ready-made curl line. Each kind keeps its own draft, so switching loses nothing.
 */
export function TestConsole({ service }: { service: ServiceRecord }) {
  const info = useMlflowInfo(service);
  const [kind, setKind] = useState<BodyKind>('score');
  // The MLflow shape last chosen, so coming back from /score lands on it.
  const [mlflowKind, setMlflowKind] = useState<BodyKind>('dataframe_split');
  const [drafts, setDrafts] = useState<Partial<Record<BodyKind, string>>>({});
  const [result, setResult] = useState<ScoreResult | null>(null);
  const [sending, setSending] = useState(false);
  const spec = BODY_KINDS.find((k) => k.id === kind) ?? BODY_KINDS[0];
  const body = drafts[kind] ?? readyBody(kind, info);
  const setBody = (text: string) => setDrafts((d) => ({ ...d, [kind]: text }));
  let invalid: string | null = null;
  if (spec.contentType === 'application/json') {
    try {
      JSON.parse(body);
    } catch (err) {
      invalid = `Not JSON: ${(err as Error).message}`;
    }
  }
  const send = async () => {
    setSending(true);
    try {
      setResult(
        await client.services.score({
          name: service.name,
          body,
          headers: { 'content-type': spec.contentType },
          route: spec.route,
        }),
      );
    } catch (err) {
      useUi.getState().showError(err);
    } finally {
      setSending(false);
    }
  };
  return (
    <section aria-label="Test console">
      <h3>Test console</h3>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <div className="row" role="radiogroup" aria-label="Contract">
          <label>
            <input type="radio" name="contract" checked={spec.route === '/score'} onChange={() => setKind('score')} />{' '}
            Azure /score
          </label>
          <label>
            <input
              type="radio"
              name="contract"
              checked={spec.route === '/invocations'}
              onChange={() => setKind(mlflowKind)}
            />{' '}
            MLflow /invocations
          </label>
          {spec.route === '/invocations' ? (
            <label>
              Shape{' '}
              <select
                aria-label="Body shape"
                value={kind}
                onChange={(e) => {
                  setKind(e.target.value as BodyKind);
                  setMlflowKind(e.target.value as BodyKind);
                }}
              >
                {BODY_KINDS.filter((k) => k.route === '/invocations').map((k) => (
                  <option key={k.id} value={k.id}>
                    {k.label}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>
        <label>
          Request body ({spec.contentType === 'text/csv' ? 'CSV with a header row' : 'JSON'})
          <textarea
            rows={5}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void send();
              }
            }}
          />
        </label>
        {invalid ? (
          <div className="field-error">{invalid} (sent as it is anyway, to see the service&apos;s answer)</div>
        ) : null}
        <div className="row">
          <button type="submit" className="primary" disabled={sending || !serving(service.state)}>
            Send
          </button>
          <button
            type="button"
            onClick={() => setDrafts((d) => ({ ...d, [kind]: undefined }))}
            disabled={drafts[kind] === undefined}
          >
            {info?.signature || info?.servingInputExample ? "Example from the model's signature" : 'Example body'}
          </button>
          <span className="muted">
            Ctrl+Enter sends. POST {urlOf(service, spec.route)} ({spec.contentType})
          </span>
        </div>
      </form>
      {result ? (
        <div aria-label="Response" role="region">
          <p>
            <span className={`state ${result.status === 200 ? 'completed' : 'failed'}`} data-testid="response-status">
              {result.status}
            </span>{' '}
            <span className="muted">{result.ms.toFixed(1)} ms</span>
          </p>
          <pre className="code" aria-label="Response body">
            {result.body}
          </pre>
          <details>
            <summary>Headers</summary>
            <pre className="code">
              {Object.entries(result.headers)
                .map(([k, v]) => `${k}: ${v}`)
                .join('\n')}
            </pre>
          </details>
        </div>
      ) : null}
      <h4>curl</h4>
      <div className="row">
        <code className="curl" aria-label="curl command">
          {curlLine(service, body, spec.route, spec.contentType)}
        </code>
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard?.writeText(curlLine(service, body, spec.route, spec.contentType)).then(
              () => useUi.getState().notify('Copied the curl line.'),
              () => undefined,
            )
          }
        >
          Copy
        </button>
      </div>
    </section>
  );
}
