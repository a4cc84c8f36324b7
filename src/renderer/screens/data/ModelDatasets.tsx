import { useEffect, useState } from 'react';
import type { ModelDatasetLink } from '../../../shared/api/datasetTypes';
import { client } from '../../transport/client';
import { LinkItem } from '../../components/LinkItem';
import { openDataset } from './datasetLinks';

/** "Which data trained this model?": the dataset versions a model version was made from, each a link. */
export function ModelDatasets({ name, version }: { name: string; version: number }) {
  const [links, setLinks] = useState<ModelDatasetLink[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    const load = () =>
      void client.models.datasets({ name, version }).then(
        (l) => {
          setLinks(l);
          setFailed(null);
        },
        (e: unknown) => setFailed(e instanceof Error ? e.message : String(e)),
      );
    load();
    const offModels = client.on('models.changed', (e) => e.name === name && load());
    const offDatasets = client.on('datasets.changed', load);
    return () => {
      offModels();
      offDatasets();
    };
  }, [name, version]);
  return (
    <section aria-label="Datasets">
      <h4>Datasets</h4>
      {failed ? <p className="muted">{failed}</p> : null}
      {!links && !failed ? <p className="muted">...</p> : null}
      {links?.length === 0 ? (
        <p className="muted">
          No dataset recorded: register the model from a run that had dataset inputs, or pass --dataset
          PURPOSE=NAME:VERSION.
        </p>
      ) : null}
      {links && links.length > 0 ? (
        <ul className="lineage">
          {links.map((link) => (
            <LinkItem
              key={`${link.purpose}/${link.name}:${link.version}`}
              label={`${link.name}:${link.version}`}
              onOpen={() => openDataset(link.name, link.version)}
              note={link.purpose}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
