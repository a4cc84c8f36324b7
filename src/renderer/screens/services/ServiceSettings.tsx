import { useState } from 'react';
import type { Settings } from '../../../shared/api/types';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';

type LimitKey =
  | 'serviceHeaderTimeoutS'
  | 'serviceBodyTimeoutS'
  | 'serviceIdleTimeoutS'
  | 'serviceWriteTimeoutS'
  | 'serviceMaxConnections';

const LIMITS: { key: LimitKey; label: string; unit: string }[] = [
  { key: 'serviceHeaderTimeoutS', label: "A request's headers must arrive within", unit: 's' },
  { key: 'serviceBodyTimeoutS', label: 'Its body within', unit: 's' },
  { key: 'serviceIdleTimeoutS', label: 'An idle keep-alive connection is closed after', unit: 's' },
  { key: 'serviceWriteTimeoutS', label: 'A client that does not read its answer is dropped after', unit: 's' },
  { key: 'serviceMaxConnections', label: 'Open connections per worker', unit: '' },
];

/** The scoring server's timeouts and connection cap, for every service (Settings screen). */
export function ServiceSettings({ settings, onSaved }: { settings: Settings; onSaved: (settings: Settings) => void }) {
  const [draft, setDraft] = useState<Record<LimitKey, string>>(
    () => Object.fromEntries(LIMITS.map(({ key }) => [key, String(settings[key])])) as Record<LimitKey, string>,
  );
  const changed = LIMITS.some(({ key }) => draft[key] !== String(settings[key]));
  const save = async () => {
    try {
      const patch = Object.fromEntries(LIMITS.map(({ key }) => [key, Number(draft[key])]));
      onSaved(await client.settings.update(patch));
      useUi.getState().notify('Saved. Running services take the new limits when they restart (Update).');
    } catch (err) {
      useUi.getState().showError(err);
    }
  };
  return (
    <>
      <h3>Services</h3>
      <form
        className="form"
        aria-label="Service limits"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {LIMITS.map(({ key, label, unit }) => (
          <label key={key}>
            {label}
            {unit ? ` (${unit})` : ''}
            <input
              type="number"
              min={key === 'serviceMaxConnections' ? 1 : 0.1}
              step={key === 'serviceMaxConnections' ? 1 : 'any'}
              value={draft[key]}
              onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
            />
          </label>
        ))}
        <div className="row">
          <button type="submit" className="primary" disabled={!changed}>
            Save service limits
          </button>
        </div>
      </form>
    </>
  );
}
