import { useDatasets } from '../stores/datasets';
import { useEnvironments } from '../stores/environments';
import { useModels } from '../stores/models';
import { type RunsView, useRuns } from '../stores/runs';
import { useServices } from '../stores/services';
import { useUi } from '../stores/ui';
import { focusViewHeading, keepFocusOffBody } from './focus';
import { type Route, href, parseHash } from './routes';

/**
 * The stores are the one source of truth; the URL mirrors them. A store change (a click anywhere, an Alt key,
 * a form that opens what it created) writes the hash: a new history entry when the place changes, a replaced
 * one when only a detail fills in (a version chosen for you). A hash change (back/forward, a pasted link,
 * an <a href>) is applied to the stores. So no component has to know about URLs.
 */
export function currentRoute(): Route {
  const screen = useUi.getState().screen;
  switch (screen) {
    case 'environments': {
      const { selected, version } = useEnvironments.getState();
      return { kind: 'environments', name: selected ?? undefined, version: version ?? undefined };
    }
    case 'runs':
      return runsRoute(useRuns.getState().view, useRuns.getState().query.experiment);
    case 'models':
    case 'data': {
      const { selected, version } = (screen === 'models' ? useModels : useDatasets).getState();
      return { kind: screen, name: selected ?? undefined, version: selected ? (version ?? undefined) : undefined };
    }
    case 'services':
      return { kind: 'services', name: useServices.getState().selected ?? undefined };
    default:
      return { kind: screen };
  }
}

function runsRoute(view: RunsView, experiment: string | undefined): Route {
  switch (view.kind) {
    case 'detail':
      return view.asSweep ? { kind: 'sweep', sweepId: view.runId } : { kind: 'run', runId: view.runId };
    case 'compare':
      return { kind: 'compare', runIds: view.runIds };
    case 'submit':
    case 'import':
    case 'sweeps':
      return { kind: view.kind };
    default:
      return { kind: 'runs', experiment };
  }
}

/** Puts the stores where the route says; what is already there is left alone (no reloads). */
export function applyRoute(route: Route): void {
  const ui = useUi.getState();
  switch (route.kind) {
    case 'environments': {
      const envs = useEnvironments.getState();
      if (envs.selected !== (route.name ?? null)) void envs.select(route.name ?? null, route.version ?? null);
      else if (envs.version !== (route.version ?? null)) envs.setVersion(route.version ?? null);
      if (ui.screen !== 'environments') ui.setScreen('environments');
      return;
    }
    case 'models':
    case 'data': {
      const store = (route.kind === 'models' ? useModels : useDatasets).getState();
      if (store.selected !== (route.name ?? null) || store.registering)
        void store.select(route.name ?? null, route.version);
      else if (route.version !== undefined && store.version !== route.version) store.setVersion(route.version);
      if (ui.screen !== route.kind) ui.setScreen(route.kind);
      return;
    }
    case 'services': {
      const services = useServices.getState();
      if (services.selected !== (route.name ?? null) || services.deploying) services.select(route.name ?? null);
      if (ui.screen !== 'services') ui.setScreen('services');
      return;
    }
    case 'cache':
    case 'settings':
      if (ui.screen !== route.kind) ui.setScreen(route.kind);
      return;
    default:
      applyRunsRoute(route);
      if (ui.screen !== 'runs') ui.setScreen('runs');
  }
}

function applyRunsRoute(route: Route): void {
  const runs = useRuns.getState();
  if (href(runsRoute(runs.view, runs.query.experiment)) === href(route)) return;
  if (route.kind === 'run') runs.setView({ kind: 'detail', runId: route.runId });
  else if (route.kind === 'sweep') runs.setView({ kind: 'detail', runId: route.sweepId, asSweep: true });
  else if (route.kind === 'compare') runs.setView({ kind: 'compare', runIds: route.runIds });
  else if (route.kind === 'submit') runs.setView({ kind: 'submit', from: null });
  else if (route.kind === 'import' || route.kind === 'sweeps') runs.setView({ kind: route.kind });
  else if (route.kind === 'runs') {
    runs.setView({ kind: 'list' });
    if (runs.query.experiment !== route.experiment) runs.setQuery({ experiment: route.experiment });
  }
}

/** Opens a place: the stores move, the URL follows with a new history entry. */
export function navigate(route: Route): void {
  applyRoute(route);
}

/** A view change (not a detail filling in) moves focus to the new view's heading. */
function viewKey(route: Route): string {
  if (route.kind === 'run') return `run:${route.runId}`;
  if (route.kind === 'sweep') return `sweep:${route.sweepId}`;
  if (route.kind === 'compare') return `compare:${route.runIds.join(',')}`;
  return route.kind;
}

/** Only a detail filled in (the version shown for a name): replace the entry instead of adding one. */
function refines(from: Route, to: Route): boolean {
  if (from.kind !== to.kind || !('name' in from) || !('name' in to) || !('version' in to)) return false;
  return from.name !== undefined && from.name === to.name && !('version' in from && from.version !== undefined);
}

let started = false;

/** Starts mirroring: call once, before the first render's effects (main.tsx). Returns a stop function. */
export function startRouting(): () => void {
  if (started) return () => undefined;
  started = true;
  let applying = false;
  let lastRoute: Route | null = null;
  let scheduled = false;
  const initial = parseHash(window.location.hash);
  if (initial) applyRoute(initial);

  const sync = () => {
    scheduled = false;
    const route = currentRoute();
    const next = href(route);
    const previous = lastRoute;
    lastRoute = route;
    if (next !== window.location.hash) {
      // The first write and a refinement replace; every other place change is a history entry.
      const replace = previous === null || applying || refines(previous, route);
      const url = `${window.location.pathname}${window.location.search}${next}`;
      if (replace) window.history.replaceState(null, '', url);
      else window.history.pushState(null, '', url);
    }
    if (previous === null || viewKey(previous) !== viewKey(route)) focusViewHeading(route);
    else keepFocusOffBody(route);
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(sync);
  };
  const offs = [useUi, useEnvironments, useRuns, useModels, useDatasets, useServices].map((store) =>
    (store as { subscribe(listener: () => void): () => void }).subscribe(schedule),
  );
  const onHashChange = () => {
    const route = parseHash(window.location.hash);
    if (!route) return;
    applying = true;
    applyRoute(route);
    sync();
    applying = false;
  };
  window.addEventListener('hashchange', onHashChange);
  window.addEventListener('popstate', onHashChange);
  sync();
  return () => {
    offs.forEach((off) => off());
    window.removeEventListener('hashchange', onHashChange);
    window.removeEventListener('popstate', onHashChange);
    started = false;
  };
}
