import { useState } from 'react';
import { type ScoreResult, type ServiceRecord, serving } from '../../../shared/api/serviceTypes';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';

function curlLine(service: ServiceRecord, body: string): string {
  return `curl -X POST ${service.scoringUri} -H 'Content-Type: application/json' -d '${body.replace(/'/g, "'\\''").replace(/\s*\n\s*/g, ' ')}'`;
}

/** Edit a JSON body, send it to /score, see status, latency, headers and body; a ready-made curl line. */
export function TestConsole({ service }: { service: ServiceRecord }) {
  const [body, setBody] = useState('{"data": [[5.1, 3.5, 1.4, 0.2]]}');
  const [result, setResult] = useState<ScoreResult | null>(null);
  const [sending, setSending] = useState(false);
  let invalid: string | null = null;
  try {
    JSON.parse(body);
  } catch (err) {
    invalid = `Not JSON: ${(err as Error).message}`;
  }
  const send = async () => {
    setSending(true);
    try {
      setResult(await client.services.score({ name: service.name, body }));
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
        <label>
          Request body (JSON)
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
          <span className="muted">Ctrl+Enter sends. POST {service.scoringUri}</span>
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
          {curlLine(service, body)}
        </code>
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard?.writeText(curlLine(service, body)).then(
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
