import type { SubmitRun } from '../../../shared/api/runTypes';

export interface QueueDraft {
  priority: string;
  cpus: string;
  gpus: string;
  pool: boolean;
}

export const EMPTY_QUEUE_DRAFT: QueueDraft = { priority: '0', cpus: '', gpus: '', pool: false };

const wholeNumber = (text: string, min: number, max: number) => {
  const n = Number(text);
  return Number.isInteger(n) && n >= min && n <= max;
};

/** What is wrong with the draft, in words (nothing: null). */
export function queueDraftProblem(d: QueueDraft): string | null {
  if (!wholeNumber(d.priority, -1000, 1000))
    return 'Priority: a whole number from -1000 to 1000 (higher starts first).';
  if (d.cpus.trim() && !wholeNumber(d.cpus, 1, 1024)) return 'CPUs: a whole number from 1 to 1024, or blank for 1.';
  if (d.gpus.trim() && !wholeNumber(d.gpus, 0, 64))
    return "GPUs: a whole number from 0 to 64, or blank for the workspace's default.";
  return null;
}

/** The submit fields the queue reads: priority, resources, and whether a container run may go to any pool engine. */
export function queueFieldsOf(
  d: QueueDraft,
  target: 'local' | 'docker',
): Pick<SubmitRun, 'priority' | 'resources' | 'pool'> {
  const resources = {
    ...(d.cpus.trim() ? { cpus: Number(d.cpus) } : {}),
    ...(d.gpus.trim() ? { gpus: Number(d.gpus) } : {}),
  };
  return {
    priority: Number(d.priority),
    resources: Object.keys(resources).length ? resources : undefined,
    pool: target === 'docker' && d.pool ? true : undefined,
  };
}

export function QueueFields({
  draft,
  onChange,
  target,
}: {
  draft: QueueDraft;
  onChange: (d: QueueDraft) => void;
  target: 'local' | 'docker';
}) {
  const problem = queueDraftProblem(draft);
  const bind = { draft, onChange };
  return (
    <fieldset className="queue-fields">
      <legend>Queue</legend>
      <div className="row">
        <NumberField label="Priority (higher starts first)" field="priority" min={-1000} max={1000} {...bind} />
        <NumberField label="CPUs" field="cpus" min={1} placeholder="1" {...bind} />
        <NumberField label="GPUs" field="gpus" min={0} placeholder="workspace default" {...bind} />
      </div>
      <label className="inline">
        <input
          type="checkbox"
          checked={draft.pool && target === 'docker'}
          disabled={target !== 'docker'}
          onChange={(e) => onChange({ ...draft, pool: e.target.checked })}
        />
        Any pool engine (the queue sends the container to an engine of the Docker pool with a free slot)
        {target !== 'docker' ? <span className="muted"> — choose a Docker container above first</span> : null}
      </label>
      {problem ? <div className="field-error">{problem}</div> : null}
    </fieldset>
  );
}

/** One of the draft's number inputs (kept as text so a half-typed value is not lost; queueDraftProblem judges it). */
function NumberField({
  label,
  field,
  min,
  max,
  placeholder,
  draft,
  onChange,
}: {
  label: string;
  field: 'priority' | 'cpus' | 'gpus';
  min: number;
  max?: number;
  placeholder?: string;
  draft: QueueDraft;
  onChange: (d: QueueDraft) => void;
}) {
  return (
    <label>
      {label}
      <input
        type="number"
        min={min}
        max={max}
        placeholder={placeholder}
        value={draft[field]}
        onChange={(e) => onChange({ ...draft, [field]: e.target.value })}
      />
    </label>
  );
}
