import { useEffect } from 'react';
import { ConfirmHost } from './components/ConfirmDialog';
import { MessageArea } from './components/ErrorBanner';
import { JobsPanel } from './components/JobsPanel';
import { NavLabel } from './components/NavItem';
import { WorkspaceFooter } from './components/WorkspaceFooter';
import { wireCoreEvents } from './coreEvents';
import { CacheScreen } from './screens/CacheScreen';
import { EnvironmentsScreen } from './screens/environments/EnvironmentsScreen';
import { DataScreen } from './screens/data/DataScreen';
import { ModelsScreen } from './screens/models/ModelsScreen';
import { RunsScreen } from './screens/runs/RunsScreen';
import { ServicesScreen } from './screens/services/ServicesScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { useEnvironments } from './stores/environments';
import { useJobs } from './stores/jobs';
import { type Screen, useUi } from './stores/ui';

const SCREENS: [Screen, string, string][] = [
  ['environments', 'Environments', '1'],
  ['runs', 'Runs', '2'],
  ['models', 'Models', '3'],
  // Alt+7: the screens added before Data keep their keys.
  ['data', 'Data', '7'],
  ['services', 'Services', '4'],
  ['cache', 'Build cache', '5'],
  ['settings', 'Settings', '6'],
];

export function App() {
  const { screen, setScreen, connected } = useUi();
  useEffect(() => {
    const off = wireCoreEvents();
    void useEnvironments
      .getState()
      .refresh()
      .then(() => document.body.setAttribute('data-ready', 'true'));
    void useJobs
      .getState()
      .refresh()
      .catch(() => undefined);
    // Alt+1..7 switch screens; Alt+J toggles the jobs panel.
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey) return;
      const target = SCREENS.find(([, , key]) => key === e.key);
      if (target) setScreen(target[0]);
      if (e.key === 'j') useJobs.getState().togglePanel();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      off();
      window.removeEventListener('keydown', onKey);
    };
  }, [setScreen]);
  return (
    <div className="app">
      <aside className="sidebar">
        <div className="brand">Benchtop</div>
        <nav aria-label="Main">
          {SCREENS.map(([id, title, key]) => (
            <button
              key={id}
              type="button"
              className={screen === id ? 'active' : ''}
              aria-current={screen === id ? 'page' : undefined}
              onClick={() => setScreen(id)}
              title={`Alt+${key}`}
            >
              <NavLabel screen={id} title={title} />
            </button>
          ))}
        </nav>
        {!connected ? (
          <div className="offline-badge" role="status">
            Disconnected: reconnecting...
          </div>
        ) : null}
        <WorkspaceFooter />
      </aside>
      <main>
        {screen === 'environments' ? <EnvironmentsScreen /> : null}
        {screen === 'runs' ? <RunsScreen /> : null}
        {screen === 'models' ? <ModelsScreen /> : null}
        {screen === 'data' ? <DataScreen /> : null}
        {screen === 'services' ? <ServicesScreen /> : null}
        {screen === 'cache' ? <CacheScreen /> : null}
        {screen === 'settings' ? <SettingsScreen /> : null}
        <JobsPanel />
        <MessageArea />
      </main>
      <ConfirmHost />
    </div>
  );
}
