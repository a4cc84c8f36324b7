import { useEffect, useState } from 'react';
import type { ModelRecord } from '../../../shared/api/modelTypes';
import { client } from '../../transport/client';

/** Registered model versions to serve ("name:version"), newest first. */
export function ModelPicker({ value, onChange }: { value: string[]; onChange(models: string[]): void }) {
  const [models, setModels] = useState<ModelRecord[] | null>(null);
  useEffect(() => {
    client.models.list({}).then(setModels, () => setModels([]));
  }, []);
  const toggle = (id: string) => onChange(value.includes(id) ? value.filter((v) => v !== id) : [...value, id]);
  return (
    <fieldset className="choices" aria-label="Models">
      <legend>Models</legend>
      {models === null ? <span className="muted">Loading models...</span> : null}
      {models?.length === 0 ? (
        <span className="muted">No registered models: register one on the Models screen first.</span>
      ) : null}
      {(models ?? []).map((m) => (
        <label key={m.id} className="inline">
          <input type="checkbox" checked={value.includes(m.id)} onChange={() => toggle(m.id)} /> {m.id}{' '}
          <span className="muted">{m.framework}</span>
        </label>
      ))}
    </fieldset>
  );
}
