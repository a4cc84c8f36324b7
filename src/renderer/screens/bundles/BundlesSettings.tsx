import { useEffect, useState } from 'react';
import type { BundlePartRef } from '../../../shared/api/bundleTypes';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { ExportBundleButton } from './ExportBundle';
import { ImportBundle } from './ImportBundle';
import { partRefLabel } from './bundleText';

const RECENT_RUNS = 20;

/** Settings > Bundles: import a .btb, or tick several environments, models, runs and services and export them as one. */
export function BundlesSettings() {
  const [choices, setChoices] = useState<BundlePartRef[] | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [loaded, setLoaded] = useState(0);
  useEffect(() => {
    const showError = useUi.getState().showError;
    Promise.all([
      client.environments.list({}),
      client.models.list({ latest: true }),
      client.runs.list({ limit: RECENT_RUNS, sortOrder: 'desc' }),
      client.services.list({}),
    ])
      .then(([environments, models, runs, services]) =>
        setChoices([
          ...environments
            .filter((e) => !e.curated)
            .map((e): BundlePartRef => ({ kind: 'environment', name: e.name, version: e.latestVersion })),
          ...models.map((m): BundlePartRef => ({ kind: 'model', name: m.name, version: String(m.version) })),
          ...runs.runs.map((r): BundlePartRef => ({ kind: 'run', runId: r.id })),
          ...services.map((s): BundlePartRef => ({ kind: 'service', name: s.name })),
        ]),
      )
      .catch(showError);
  }, [loaded]);
  const toggle = (key: string) =>
    setPicked((old) => {
      const next = new Set(old);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const parts = (choices ?? []).filter((c) => picked.has(partRefLabel(c)));
  return (
    <section aria-label="Bundles">
      <h3>Bundles</h3>
      <p className="muted">
        A bundle (.btb) carries environments (with their wheels and, optionally, the built image), models, runs and
        services to another workspace or an offline machine as one file.
      </p>
      <ImportBundle onImported={() => setLoaded((n) => n + 1)} />
      <h4>Export several</h4>
      {choices === null ? <p className="muted">Loading...</p> : null}
      {choices?.length === 0 ? (
        <p className="muted">Nothing to export yet: register an environment or a model, or submit a run.</p>
      ) : null}
      {choices?.length ? (
        <fieldset className="bundle-choices" aria-label="Parts to export">
          {choices.map((c) => {
            const key = partRefLabel(c);
            return (
              <label key={key} className="inline">
                <input type="checkbox" checked={picked.has(key)} onChange={() => toggle(key)} /> {key}
              </label>
            );
          })}
        </fieldset>
      ) : null}
      <ExportBundleButton parts={parts} label={`Export ${parts.length} selected`} />
    </section>
  );
}
