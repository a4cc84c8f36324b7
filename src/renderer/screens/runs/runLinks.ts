import { applyRoute } from '../../routing/sync';
import { parseHash } from '../../routing/routes';

/**
 * Links into the Runs screen: #/runs/<run id> opens a run (the Python SDK's run.get_portal_url()
 * and wait_for_completion's "Web View"), #/runs?experiment=NAME an experiment's runs. The router
 * (routing/sync.ts) follows every link; this stays for callers holding a run link's hash.
 */
export function openRunLink(hash: string): boolean {
  const route = parseHash(hash);
  if (!route || !['run', 'runs', 'sweep'].includes(route.kind)) return false;
  applyRoute(route);
  return true;
}
