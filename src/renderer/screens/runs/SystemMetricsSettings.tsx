import { useId, useState } from 'react';
import type { Settings } from '../../../shared/api/types';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';

/** How often runs sample their CPU, memory and GPU use (the System tab); 0 turns it off. */
export function SystemMetricsSettings({
  settings,
  onSaved,
}: {
  settings: Settings;
  onSaved: (settings: Settings) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(String(settings.systemMetricsIntervalS));
  const value = Number(draft);
  const valid = draft.trim() !== '' && Number.isFinite(value) && value >= 0 && value <= 3600;
  const save = async () => {
    try {
      onSaved(await client.settings.update({ systemMetricsIntervalS: value }));
      useUi
        .getState()
        .notify(value === 0 ? 'Saved: new runs record no system metrics.' : `Saved: new runs sample every ${value} s.`);
    } catch (err) {
      useUi.getState().showError(err);
    }
  };
  return (
    <>
      <h3>System metrics</h3>
      <form
        className="form"
        aria-label="System metrics"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void save();
        }}
      >
        <label htmlFor={id}>Sample every (seconds; 0: off)</label>
        <input
          id={id}
          type="number"
          min={0}
          max={3600}
          step="any"
          value={draft}
          aria-invalid={!valid}
          aria-describedby={`${id}-help`}
          onChange={(e) => setDraft(e.target.value)}
        />
        <p id={`${id}-help`} className="muted">
          {valid
            ? "Each run's CPU %, memory and GPU use (where nvidia-smi answers) as system/... metrics, on the run's System tab. Runs already going keep their interval."
            : 'Give a number of seconds from 0 to 3600.'}
        </p>
        <button type="submit" disabled={!valid || value === settings.systemMetricsIntervalS}>
          Save
        </button>
      </form>
    </>
  );
}
