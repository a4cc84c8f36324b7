import { useEffect } from 'react';
import { PaneToggle, paneClass, usePaneCollapsed } from '../../components/SidePane';
import { EmptyState } from '../../components/EmptyState';
import { useModels } from '../../stores/models';
import { ModelDetailView } from './ModelDetail';
import { ModelList } from './ModelList';
import { RegisterModelView } from './RegisterModel';

export function ModelsScreen() {
  const { selected, registering } = useModels();
  const collapsed = usePaneCollapsed('models');
  useEffect(() => {
    void useModels.getState().refresh();
  }, []);
  return (
    <div className={`split${paneClass(collapsed)}`}>
      <ModelList />
      <PaneToggle id="models" label="model list" />
      {registering ? (
        <RegisterModelView key={JSON.stringify(registering)} prefill={registering} />
      ) : selected ? (
        <ModelDetailView key={selected} name={selected} />
      ) : (
        <EmptyState icon="◆" title="Pick a model">
          Register a trained model from a file, a folder or a run&apos;s outputs; every registration is a new version
          with its tags, properties and lineage.
        </EmptyState>
      )}
    </div>
  );
}
