import { useRuns } from '../../stores/runs';
import { useUi } from '../../stores/ui';

/**
 * Links into the Runs screen: #/runs/<run id> opens a run (the Python SDK's run.get_portal_url()
 * and wait_for_completion's "Web View"), #/runs?experiment=NAME an experiment's runs.
 */
export function openRunLink(hash: string): boolean {
  const run = /^#\/runs\/([^?]+)$/.exec(hash);
  const experiment = /^#\/runs\?experiment=(.+)$/.exec(hash);
  if (!run && !experiment) return false;
  useUi.getState().setScreen('runs');
  if (run) useRuns.getState().setView({ kind: 'detail', runId: decodeURIComponent(run[1] as string) });
  else {
    useRuns.getState().setView({ kind: 'list' });
    useRuns.getState().setQuery({ experiment: decodeURIComponent(experiment?.[1] as string) });
  }
  return true;
}

/** Follows the page's link now and whenever it changes. */
export function followRunLinks(): void {
  openRunLink(window.location.hash);
  window.addEventListener('hashchange', () => openRunLink(window.location.hash));
}
