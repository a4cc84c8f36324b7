import type { DatasetDetail } from '../../../shared/api/datasetTypes';
import { LinkItem } from '../../components/LinkItem';
import { openModel, openRun } from './datasetLinks';

/** Lineage seen from the data: the runs that read this version, and the models made from it. */
export function DatasetLineage({ dataset }: { dataset: DatasetDetail }) {
  return (
    <section aria-label="Lineage">
      <h4>Used by runs</h4>
      {dataset.runs.length === 0 ? (
        <p className="muted">No run has used this version yet.</p>
      ) : (
        <ul className="lineage" aria-label="Used by runs">
          {dataset.runs.map((use) => (
            <LinkItem
              key={`${use.runId}/${use.inputName}`}
              label={use.runId}
              onOpen={() => openRun(use.runId)}
              note={use.via === 'api' ? 'read by the script through the API' : `input "${use.inputName}" (${use.mode})`}
            />
          ))}
        </ul>
      )}
      <h4>Models</h4>
      {dataset.models.length === 0 ? (
        <p className="muted">No model was registered from this version.</p>
      ) : (
        <ul className="lineage" aria-label="Models made from it">
          {dataset.models.map((link) => (
            <LinkItem
              key={`${link.model}:${link.modelVersion}/${link.purpose}`}
              label={`${link.model}:${link.modelVersion}`}
              onOpen={() => openModel(link.model, link.modelVersion)}
              note={link.purpose}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
