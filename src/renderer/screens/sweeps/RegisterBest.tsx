import { useEffect, useState } from 'react';
import { MODEL_NAME_PATTERN } from '../../../shared/api/modelTypes';
import type { SweepDetail } from '../../../shared/api/sweepTypes';
import { useModels } from '../../stores/models';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { JobProgressParts } from '../models/JobProgress';
import { runChoices } from '../models/RegisterModel';
import { nameFromBase } from '../models/registryName';
import { useJobRequest } from '../models/useJobRequest';
import { formatValue } from './sweepMath';

/** best_run.register_model(model_name, model_path): a file or folder of the best trial's outputs, as a model. */
export function RegisterBest({ sweep, onClose }: { sweep: SweepDetail; onClose: () => void }) {
  const runId = sweep.bestRunId as string;
  const [choices, setChoices] = useState<string[] | null>(null);
  const [path, setPath] = useState('');
  const [name, setName] = useState(() => nameFromBase(`${sweep.experiment}-best`));
  const { job, busy, run, cancel } = useJobRequest();
  useEffect(() => {
    client.runs.files({ runId }).then(
      (files) => {
        const list = runChoices(files);
        setChoices(list);
        setPath((p) => p || (list.find((c) => !c.endsWith('/')) ?? list[0] ?? ''));
      },
      (e: unknown) => useUi.getState().showError(e),
    );
  }, [runId]);
  const nameError =
    name && !MODEL_NAME_PATTERN.test(name)
      ? 'Use letters, digits, ".", "_" or "-", starting with a letter or a digit.'
      : null;
  const ready = Boolean(name && path) && !nameError;
  const { name: metric } = sweep.config.primaryMetric;
  const register = () =>
    run(async (requestId) => {
      const model = await client.models.register({
        name,
        path: path.replace(/\/$/, ''),
        runId,
        description: `Best trial of sweep ${sweep.id} (${metric} = ${formatValue(sweep.bestValue)}).`,
        requestId,
      });
      useUi.getState().notify(`Registered ${model.id} from ${runId}.`);
      void useModels.getState().refresh();
      onClose();
    });
  return (
    <form
      className="form register-best"
      aria-label="Register best model"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) void register();
      }}
    >
      <p className="muted">
        From the best trial <code>{runId}</code> ({metric} = {formatValue(sweep.bestValue)}).
      </p>
      <label>
        Model name
        <input value={name} onChange={(e) => setName(e.target.value)} aria-invalid={Boolean(nameError)} autoFocus />
      </label>
      {nameError ? <div className="field-error">{nameError}</div> : null}
      {choices === null ? (
        <p className="muted">Reading the run's outputs...</p>
      ) : choices.length === 0 ? (
        <p className="field-error">
          {runId} has no outputs: have the training script save its model under ./outputs (or upload it with
          run.upload_file), then run the sweep again.
        </p>
      ) : (
        <label>
          Path in the run's outputs
          <select aria-label="Path in the run's outputs" value={path} onChange={(e) => setPath(e.target.value)}>
            {choices.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={!ready || busy}>
          Register
        </button>
        <button type="button" onClick={onClose} disabled={busy}>
          Close
        </button>
        {busy ? <JobProgressParts job={job} cancel={cancel} cancelLabel="Cancel registration" /> : null}
      </div>
    </form>
  );
}
