import { useState } from 'react';
import type { Settings } from '../../shared/api/types';
import { useUi } from '../stores/ui';
import { client } from '../transport/client';

type QueueKey = 'queueCpus' | 'queueMaxConcurrentRuns' | 'queueDefaultGpus';

const FIELDS: { key: QueueKey; label: string; blank: string; min: number }[] = [
  {
    key: 'queueCpus',
    label: 'CPU slots (a run takes 1 unless it asks for more)',
    blank: "this machine's cores",
    min: 1,
  },
  {
    key: 'queueMaxConcurrentRuns',
    label: 'At most this many runs at once',
    blank: 'no limit beyond the slots',
    min: 1,
  },
  { key: 'queueDefaultGpus', label: 'GPUs a run gets when it does not ask', blank: '1 with GPUs, else 0', min: 0 },
];

const draftOf = (settings: Settings) =>
  Object.fromEntries(FIELDS.map(({ key }) => [key, settings[key] === null ? '' : String(settings[key])])) as Record<
    QueueKey,
    string
  >;

/** The run queue's capacity: CPU slots, a cap on runs at once, and the default GPUs (blank: the machine decides). */
export function QueueSettings({ settings, onSaved }: { settings: Settings; onSaved: (settings: Settings) => void }) {
  const [draft, setDraft] = useState(() => draftOf(settings));
  const changed = FIELDS.some(({ key }) => draft[key] !== draftOf(settings)[key]);
  const invalid = FIELDS.filter(
    ({ key, min }) => draft[key].trim() !== '' && !(Number.isInteger(Number(draft[key])) && Number(draft[key]) >= min),
  );
  const save = async () => {
    try {
      const patch = Object.fromEntries(
        FIELDS.map(({ key }) => [key, draft[key].trim() === '' ? null : Number(draft[key])]),
      ) as Partial<Settings>;
      onSaved(await client.settings.update(patch));
      useUi.getState().notify('Saved. The queue uses the new capacity from its next pass; running runs keep going.');
    } catch (err) {
      useUi.getState().showError(err);
    }
  };
  return (
    <>
      <h3>Run queue</h3>
      <form
        className="form"
        aria-label="Run queue"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {FIELDS.map(({ key, label, blank, min }) => (
          <label key={key}>
            {label}
            <input
              type="number"
              min={min}
              step={1}
              placeholder={`blank: ${blank}`}
              value={draft[key]}
              aria-invalid={invalid.some((f) => f.key === key)}
              onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
            />
          </label>
        ))}
        {invalid.map(({ key, label, min }) => (
          <div key={key} className="field-error">
            {label.replace(/ \(.*\)$/, '')}: a whole number, {min} or more, or blank.
          </div>
        ))}
        <div className="row">
          <button type="submit" className="primary" disabled={!changed || invalid.length > 0}>
            Save queue settings
          </button>
        </div>
      </form>
    </>
  );
}
