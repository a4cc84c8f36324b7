import { useEffect, useState } from 'react';
import type { ModelRecord } from '../../../shared/api/modelTypes';
import { useModels } from '../../stores/models';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';

/** The model versions registered from a run (lineage seen from the run's side). */
export function RunModels({ runId }: { runId: string }) {
  const [models, setModels] = useState<ModelRecord[] | null>(null);
  useEffect(() => {
    const load = () => void client.models.list({ runId }).then(setModels, () => setModels([]));
    load();
    return client.on('models.changed', load);
  }, [runId]);
  if (!models) return <span className="muted">...</span>;
  if (models.length === 0) return <span className="muted">none registered from this run</span>;
  return (
    <span className="chips">
      {models.map((m) => (
        <button
          key={m.id}
          type="button"
          className="link"
          onClick={() => {
            useUi.getState().setScreen('models');
            void useModels.getState().select(m.name, m.version);
          }}
        >
          {m.id}
        </button>
      ))}
    </span>
  );
}
