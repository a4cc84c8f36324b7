import { PaneToggle, paneClass, usePaneCollapsed } from '../../components/SidePane';
import { useEnvironments } from '../../stores/environments';
import { EnvironmentDetail } from './EnvironmentDetail';
import { EnvironmentEditor } from './EnvironmentEditor';
import { EnvironmentList } from './EnvironmentList';

export function EnvironmentsScreen() {
  const mode = useEnvironments((s) => s.mode);
  const collapsed = usePaneCollapsed('environments');
  return (
    <div className={`split${paneClass(collapsed)}`}>
      <EnvironmentList />
      <PaneToggle id="environments" label="environment list" />
      {mode.kind === 'edit' ? (
        <EnvironmentEditor
          key={`${mode.base?.name ?? 'new'}-${mode.base?.version ?? ''}-${mode.clone}`}
          base={mode.base ? { definition: mode.base.definition, name: mode.base.name } : null}
          clone={mode.clone}
        />
      ) : (
        <EnvironmentDetail />
      )}
    </div>
  );
}
