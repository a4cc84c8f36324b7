import { useEffect } from 'react';
import { PaneToggle, paneClass, usePaneCollapsed } from '../../components/SidePane';
import { useDatasets } from '../../stores/datasets';
import { DatasetDetailView } from './DatasetDetail';
import { DatasetList } from './DatasetList';
import { RegisterDatasetView } from './RegisterDataset';

export function DataScreen() {
  const { selected, registering } = useDatasets();
  const collapsed = usePaneCollapsed('data');
  useEffect(() => {
    void useDatasets.getState().refresh();
  }, []);
  return (
    <div className={`split data-split${paneClass(collapsed)}`}>
      <DatasetList />
      <PaneToggle id="data" label="dataset list" />
      {registering ? (
        <RegisterDatasetView key={JSON.stringify(registering)} prefill={registering} />
      ) : selected ? (
        <DatasetDetailView key={selected} name={selected} />
      ) : (
        <div className="empty">
          <h2>Data</h2>
          <p>
            Register a file, a folder or a glob as a versioned dataset: its files are stored once by content, the same
            content registered again is the same version, and every run and model that uses it is recorded.
          </p>
          <button type="button" className="primary" onClick={() => useDatasets.getState().openRegister({})}>
            Register dataset
          </button>
        </div>
      )}
    </div>
  );
}
