import { useState } from 'react';
import type { DatasetDetail } from '../../../shared/api/datasetTypes';
import { formatBytes } from '../../../shared/format';
import { useDatasets } from '../../stores/datasets';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';

/** What still records this version (the registry refuses the delete while any does, and says so). */
function users(dataset: DatasetDetail): string[] {
  return [
    ...new Set(dataset.runs.map((r) => `run ${r.runId}`)),
    ...dataset.models.map((m) => `model ${m.model}:${m.modelVersion}`),
  ];
}

/** Delete a version after a confirmation that names what uses it; the registry's refusal shows as it is. */
export function DeleteDataset({ dataset }: { dataset: DatasetDetail }) {
  const [confirming, setConfirming] = useState(false);
  const id = `${dataset.name}:${dataset.version}`;
  const usedBy = users(dataset);
  const remove = async () => {
    try {
      const { freedBytes } = await client.datasets.delete({ name: dataset.name, version: dataset.version });
      useUi.getState().notify(`Deleted ${id} (freed ${formatBytes(freedBytes)}).`);
      await useDatasets.getState().refresh();
      if (dataset.versions <= 1) await useDatasets.getState().select(null);
      else await useDatasets.getState().reloadVersions();
    } catch (err) {
      useUi.getState().showError(err);
    } finally {
      setConfirming(false);
    }
  };
  if (!confirming)
    return (
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Delete version {dataset.version}…
      </button>
    );
  return (
    <div className="confirm" role="group" aria-label="Confirm delete">
      <p>
        {usedBy.length
          ? `${id} is used by ${usedBy.join(', ')}: the registry keeps it while they record it.`
          : `Delete ${id}? Its files go unless another dataset or model version has the same content.`}
      </p>
      <div className="row">
        <button type="button" className="danger" onClick={() => void remove()}>
          Delete {id}
        </button>
        <button type="button" onClick={() => setConfirming(false)}>
          Keep it
        </button>
      </div>
    </div>
  );
}
