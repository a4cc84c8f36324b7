import { useEffect, useState } from 'react';
import type { RunSummary } from '../../../shared/api/runTypes';
import type { EnvironmentSummary } from '../../../shared/api/types';
import { FieldError, useFieldErrors } from '../../components/FieldError';
import { useRuns } from '../../stores/runs';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { DatasetInputsEditor } from '../data/DatasetInputsEditor';
import { type InputRow, inputProblems, recordedRows, toRunInputs } from '../data/inputRows';
import { EMPTY_QUEUE_DRAFT, QueueFields, queueDraftProblem, queueFieldsOf } from './QueueFields';

/** Submit a new run, or re-run one (its snapshot, with arguments or environment edited). */
export function SubmitRun({ from }: { from: RunSummary | null }) {
  const setView = useRuns((s) => s.setView);
  const [environments, setEnvironments] = useState<EnvironmentSummary[]>([]);
  const [sourceDirectory, setSource] = useState('');
  const [script, setScript] = useState(from?.script ?? 'train.py');
  const [args, setArgs] = useState((from?.arguments ?? []).join('\n'));
  const [environment, setEnvironment] = useState(from?.environment ?? 'Benchtop-Minimal');
  const [experiment, setExperiment] = useState(from?.experiment ?? 'Default');
  const [maxDuration, setMaxDuration] = useState('');
  const [target, setTarget] = useState<'local' | 'docker'>(from?.target === 'docker' ? 'docker' : 'local');
  const [inputs, setInputs] = useState<InputRow[]>([]);
  // A re-run starts from the queue fields the run had (its CPUs and GPUs as the queue gave them).
  const [queueDraft, setQueueDraft] = useState(
    from
      ? {
          priority: String(from.priority),
          cpus: String(from.resources.cpus),
          gpus: String(from.resources.gpus),
          pool: from.target === 'docker' && from.engine !== null,
        }
      : EMPTY_QUEUE_DRAFT,
  );
  const [busy, setBusy] = useState(false);
  const errors = useFieldErrors('submitRun');
  useEffect(() => {
    // A re-run starts from the dataset versions the run recorded.
    if (from)
      client.runs.datasets({ runId: from.id }).then(
        (uses) => setInputs(recordedRows(uses)),
        () => undefined,
      );
  }, [from]);
  useEffect(() => {
    void client.environments
      .list({})
      .then(setEnvironments)
      .catch(() => undefined);
  }, []);
  const argumentList = args === '' ? [] : args.split('\n');
  const submit = async () => {
    setBusy(true);
    try {
      const run = from
        ? await client.runs.rerun({
            runId: from.id,
            arguments: argumentList,
            environment,
            experiment,
            target,
            inputs: toRunInputs(inputs).length ? toRunInputs(inputs) : undefined,
            ...queueFieldsOf(queueDraft, target),
            pool: target === 'docker' && queueDraft.pool,
          })
        : await client.runs.submit({
            sourceDirectory,
            script,
            arguments: argumentList,
            environment,
            experiment,
            target,
            maxDurationSeconds: maxDuration ? Number(maxDuration) : undefined,
            inputs: inputs.length ? toRunInputs(inputs) : undefined,
            ...queueFieldsOf(queueDraft, target),
          });
      useRuns.getState().upsert(run);
      errors.clear();
      useUi.getState().notify(`Submitted ${run.id}`);
      setView({ kind: 'detail', runId: run.id });
    } catch (err) {
      // Beside the field it is about, in the form's words (the global banner would speak the CLI's).
      errors.fail(err);
    } finally {
      setBusy(false);
    }
  };
  const options = environments.flatMap((e) => [
    `${e.name}:${e.latestVersion}`,
    ...(e.versionCount > 1 ? [e.name] : []),
  ]);
  if (!options.includes(environment)) options.unshift(environment);
  return (
    <section className="page" aria-label={from ? 'Re-run' : 'Submit a run'}>
      <header className="detail-header">
        <button type="button" onClick={() => setView(from ? { kind: 'detail', runId: from.id } : { kind: 'list' })}>
          ← Back
        </button>
        <h2>{from ? `Re-run ${from.id}` : 'Submit a run'}</h2>
      </header>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {from ? (
          <p className="muted">
            Runs <code>{from.script}</code> from that run's snapshot.
          </p>
        ) : (
          <>
            <label>
              Source folder (snapshot honours .amlignore, else .gitignore)
              <input
                value={sourceDirectory}
                onChange={(e) => {
                  setSource(e.target.value);
                  errors.edited('sourceDirectory');
                }}
                placeholder="/path/to/project"
                required
                autoFocus
                {...errors.invalid('sourceDirectory')}
              />
            </label>
            <FieldError error={errors.error} field="sourceDirectory" form="submitRun" />
            <label>
              Script (relative to the source folder)
              <input
                value={script}
                onChange={(e) => {
                  setScript(e.target.value);
                  errors.edited('script');
                }}
                required
                {...errors.invalid('script')}
              />
            </label>
            <FieldError error={errors.error} field="script" form="submitRun" />
          </>
        )}
        <label>
          Arguments (one per line, passed exactly: spaces and quotes kept)
          <textarea aria-label="Arguments" rows={4} value={args} onChange={(e) => setArgs(e.target.value)} />
        </label>
        <label>
          Environment
          <select
            aria-label="Environment"
            value={environment}
            onChange={(e) => {
              setEnvironment(e.target.value);
              errors.edited('environment');
            }}
            {...errors.invalid('environment')}
          >
            {options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <FieldError error={errors.error} field="environment" form="submitRun" />
        <label>
          Run on
          <select aria-label="Run on" value={target} onChange={(e) => setTarget(e.target.value as 'local' | 'docker')}>
            <option value="local">This machine (a local process)</option>
            <option value="docker">A Docker container (the environment's image, built if needed)</option>
          </select>
        </label>
        <label>
          Experiment
          <input
            value={experiment}
            onChange={(e) => {
              setExperiment(e.target.value);
              errors.edited('experiment');
            }}
            {...errors.invalid('experiment')}
          />
        </label>
        <FieldError error={errors.error} field="experiment" form="submitRun" />
        <DatasetInputsEditor rows={inputs} onChange={setInputs} />
        <FieldError error={errors.error} field="inputs" form="submitRun" />
        {from ? null : (
          <label>
            Maximum duration in seconds (optional)
            <input type="number" min={1} value={maxDuration} onChange={(e) => setMaxDuration(e.target.value)} />
          </label>
        )}
        <QueueFields draft={queueDraft} onChange={setQueueDraft} target={target} />
        <div className="row">
          <button
            type="submit"
            className="primary"
            disabled={
              busy ||
              inputProblems(inputs).size > 0 ||
              queueDraftProblem(queueDraft) !== null ||
              (!from && (!sourceDirectory.trim() || !script.trim()))
            }
          >
            {busy ? 'Submitting...' : from ? 'Re-run' : 'Submit'}
          </button>
        </div>
        <div className="form-message">
          <FieldError error={errors.error} field="form" form="submitRun" />
        </div>
      </form>
    </section>
  );
}
