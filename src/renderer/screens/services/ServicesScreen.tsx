import { useEffect } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { moveSelectionWithArrows } from '../../components/listKeys';
import { PaneToggle, paneClass, usePaneCollapsed } from '../../components/SidePane';
import { useServices } from '../../stores/services';
import { client } from '../../transport/client';
import { DeployServiceView } from './DeployService';
import { ServiceDetail } from './ServiceDetail';

function ServiceList() {
  const { list, selected, select, openDeploy } = useServices();
  const services = list ?? [];
  const onKeyDown = (event: React.KeyboardEvent) =>
    moveSelectionWithArrows(
      event,
      services,
      services.findIndex((s) => s.name === selected),
      (s) => select(s.name),
    );
  return (
    <nav className="env-list" aria-label="Services" onKeyDown={onKeyDown}>
      <div className="list-header">
        <div className="list-title">
          <h2>Services</h2>
          {list ? (
            <span className="count-badge" aria-label={`${list.length} services`}>
              {list.length}
            </span>
          ) : null}
        </div>
        <button type="button" className="primary" onClick={() => openDeploy(true)}>
          Deploy
        </button>
      </div>
      {list === null ? <p className="muted pad">Loading services...</p> : null}
      {list?.length === 0 ? (
        <EmptyState compact icon="◎" title="No services yet">
          Deploy a registered model with a score.py (or a scikit-learn model with no code at all).
        </EmptyState>
      ) : null}
      <ul>
        {services.map((s) => (
          <li key={s.name}>
            <button
              type="button"
              className={`env-row ${s.name === selected ? 'selected' : ''}`}
              onClick={() => select(s.name)}
              aria-current={s.name === selected ? 'true' : undefined}
            >
              <span className="env-name">{s.name}</span>
              <span className={`state ${s.state}`}>{s.state}</span>
              <span className="muted">{s.scoringUri}</span>
              <span className="muted">{s.models.join(', ')}</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function ServicesScreen() {
  const { selected, deploying } = useServices();
  const collapsed = usePaneCollapsed('services');
  useEffect(() => {
    void useServices.getState().refresh();
    // States change without an event (a worker dies, a crash loop ends): ask again while the screen is open,
    // quietly (the first load already reported an error, if any).
    const timer = setInterval(
      () =>
        void client.services
          .list({})
          .then((list) => useServices.setState({ list }))
          .catch(() => undefined),
      5000,
    );
    return () => clearInterval(timer);
  }, []);
  return (
    <div className={`split${paneClass(collapsed)}`}>
      <ServiceList />
      <PaneToggle id="services" label="service list" />
      {deploying ? (
        <DeployServiceView />
      ) : selected ? (
        <ServiceDetail key={selected} name={selected} />
      ) : (
        <EmptyState
          icon="◎"
          title="Local web services"
          action={{ label: 'Deploy a service', onClick: () => useServices.getState().openDeploy(true) }}
        >
          Serve registered models on 127.0.0.1 with the Azure ML scoring contract: <code>GET /</code>,{' '}
          <code>POST /score</code>, <code>/swagger.json</code>.
        </EmptyState>
      )}
    </div>
  );
}
