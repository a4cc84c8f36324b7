import { useEnvironments } from '../../stores/environments';
import { EnvironmentDetail } from './EnvironmentDetail';
import { EnvironmentEditor } from './EnvironmentEditor';
import { EnvironmentList } from './EnvironmentList';

export function EnvironmentsScreen() {
  const mode = useEnvironments((s) => s.mode);
  return (
    <div className="split">
      <EnvironmentList />
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
