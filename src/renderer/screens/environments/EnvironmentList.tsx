import { moveSelectionWithArrows } from '../../components/listKeys';
import { useEnvironments } from '../../stores/environments';
import type { EnvironmentSummary } from '../../../shared/api/types';

/** The row's build state in words: "built" for a ready build, and the built version when only an older one is. */
function buildWords(env: EnvironmentSummary): string {
  if (env.buildState === 'ready') return 'built';
  if (env.buildState === 'building') return 'building';
  if (env.builtVersion) return `v${env.builtVersion} built`;
  return env.buildState === 'none' ? 'not built' : env.buildState;
}

function Row({ env, selected, onSelect }: { env: EnvironmentSummary; selected: boolean; onSelect: () => void }) {
  return (
    <li>
      <button
        type="button"
        className={`env-row ${selected ? 'selected' : ''}`}
        onClick={onSelect}
        aria-current={selected ? 'true' : undefined}
      >
        <span className="env-name">{env.name}</span>
        <span className="muted">
          v{env.latestVersion} · {env.versionCount} version{env.versionCount === 1 ? '' : 's'} · python{' '}
          {env.pythonVersion ?? 'default'}
        </span>
        <span className={`state ${env.buildState}`}>{buildWords(env)}</span>
      </button>
    </li>
  );
}

/** Your environments, then the curated ones; arrow keys move the selection. */
export function EnvironmentList() {
  const { list, selected, select, setMode } = useEnvironments();
  if (list === null) return <div className="muted pad">Loading environments...</div>;
  const own = list.filter((e) => !e.curated);
  const curated = list.filter((e) => e.curated);
  // Screen order: yours, then the curated ones (the core lists curated first).
  const shown = [...own, ...curated];
  const onKeyDown = (event: React.KeyboardEvent) =>
    moveSelectionWithArrows(
      event,
      shown,
      shown.findIndex((e) => e.name === selected),
      (e) => void select(e.name),
    );
  return (
    <nav className="env-list" aria-label="Environments" onKeyDown={onKeyDown}>
      <div className="list-header">
        <div className="list-title">
          <h2>Environments</h2>
          <span className="count-badge" aria-label={`${list.length} environments`}>
            {list.length}
          </span>
        </div>
        <button
          type="button"
          className="primary"
          onClick={() => {
            void select(null);
            setMode({ kind: 'edit', base: null, clone: false });
          }}
        >
          New environment
        </button>
      </div>
      <h3 className="group">
        Yours <span className="group-count">{own.length}</span>
      </h3>
      {own.length === 0 ? (
        <p className="muted pad">
          No environments of your own yet. Create one with <em>New environment</em>, or open a curated one below and
          clone it.
        </p>
      ) : (
        <ul>
          {own.map((e) => (
            <Row key={e.name} env={e} selected={e.name === selected} onSelect={() => void select(e.name)} />
          ))}
        </ul>
      )}
      <h3 className="group">
        Curated (read-only) <span className="group-count">{curated.length}</span>
      </h3>
      <ul>
        {curated.map((e) => (
          <Row key={e.name} env={e} selected={e.name === selected} onSelect={() => void select(e.name)} />
        ))}
      </ul>
    </nav>
  );
}
