import { useEffect } from 'react';
import { PaneToggle, paneClass, usePaneCollapsed } from '../../components/SidePane';
import { EmptyState } from '../../components/EmptyState';
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
        <EmptyState icon="▤" title="Pick a dataset">
          Register a file, a folder or a glob as a versioned dataset: its files are stored once by content, the same
          content registered again is the same version, and every run and model that uses it is recorded.
        </EmptyState>
      )}
    </div>
  );
}
