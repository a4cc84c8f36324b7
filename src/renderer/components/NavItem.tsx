import { type ReactNode, useEffect } from 'react';
import { useDatasets } from '../stores/datasets';
import { useEnvironments } from '../stores/environments';
import { useModels } from '../stores/models';
import { useServices } from '../stores/services';
import type { Screen } from '../stores/ui';

/*
 * A sidebar entry as in Podman Desktop: an icon, the title and, once its list is loaded, how many things it holds.
 * Icons are small inline SVGs (stroke = currentColor, so they follow the theme; no icon font, nothing fetched).
 * The button's accessible name stays the title alone: the count is a visual extra (the list headers say it too).
 */
const path = (d: string) => <path d={d} />;
const ICONS: Record<Screen, ReactNode> = {
  environments: path('M8 1.5 14 4.8v6.4L8 14.5 2 11.2V4.8zM2 4.8 8 8l6-3.2M8 8v6.5'),
  runs: path('M4 2.5v11l9-5.5z'),
  models: path('M8 1.5 14.5 8 8 14.5 1.5 8z'),
  data: (
    <>
      <ellipse cx="8" cy="3.5" rx="5.5" ry="2" />
      {path('M2.5 3.5v9c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2v-9M2.5 8c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2')}
    </>
  ),
  services: (
    <>
      <circle cx="8" cy="8" r="6" />
      {path('M2 8h12M8 2c2 2 2 10 0 12M8 2c-2 2-2 10 0 12')}
    </>
  ),
  cache: path('M8 1.5 14.5 5 8 8.5 1.5 5zM1.5 8 8 11.5 14.5 8M1.5 11 8 14.5 14.5 11'),
  settings: (
    <>
      <circle cx="8" cy="8" r="2.2" />
      {path('M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4')}
    </>
  ),
};

function useCount(screen: Screen): number | null {
  const environments = useEnvironments((s) => s.list?.length ?? null);
  const models = useModels((s) => s.latest?.length ?? null);
  const datasets = useDatasets((s) => s.latest?.length ?? null);
  const services = useServices((s) => s.list?.filter((x) => x.state !== 'deleted').length ?? null);
  const counts: Partial<Record<Screen, number | null>> = { environments, models, data: datasets, services };
  return counts[screen] ?? null;
}

export function NavIcon({ screen }: { screen: Screen }) {
  return (
    <svg className="nav-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      {ICONS[screen]}
    </svg>
  );
}

/** The icon, the title and the count, for inside the sidebar's button. */
const LOADERS: Partial<Record<Screen, () => unknown>> = {
  models: () => useModels.getState().latest ?? useModels.getState().refresh(),
  data: () => useDatasets.getState().latest ?? useDatasets.getState().refresh(),
  services: () => useServices.getState().list ?? useServices.getState().refresh(),
};

export function NavLabel({ screen, title }: { screen: Screen; title: string }) {
  const count = useCount(screen);
  // Each entry loads its own list once (quietly: the screen itself reports errors), then core events keep it live.
  useEffect(() => {
    void Promise.resolve(LOADERS[screen]?.()).catch(() => undefined);
  }, [screen]);
  return (
    <>
      <NavIcon screen={screen} />
      <span className="nav-title">{title}</span>
      {count !== null ? (
        <span className="nav-count" aria-hidden="true">
          {count}
        </span>
      ) : null}
    </>
  );
}
