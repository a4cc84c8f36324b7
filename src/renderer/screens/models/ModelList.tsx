import { useState } from 'react';
import type { ModelRecord } from '../../../shared/api/modelTypes';
import { moveSelectionWithArrows } from '../../components/listKeys';
import { tagsMatch } from '../../components/tagFilter';
import { EmptyState } from '../../components/EmptyState';
import { useModels } from '../../stores/models';

/** Name, or a tag as "key" / "key=value". */
function matches(model: ModelRecord, filter: string): boolean {
  const text = filter.trim().toLowerCase();
  if (!text) return true;
  return (
    model.name.toLowerCase().includes(text) || model.framework.toLowerCase() === text || tagsMatch(model.tags, text)
  );
}

export function TagChips({ tags }: { tags: Record<string, string> }) {
  const entries = Object.entries(tags);
  if (entries.length === 0) return null;
  return (
    <span className="chips">
      {entries.map(([k, v]) => (
        <span key={k} className="chip">
          {v ? `${k}=${v}` : k}
        </span>
      ))}
    </span>
  );
}

/** Every model name with its newest version; arrow keys move the selection. */
export function ModelList() {
  const { latest, selected, select, openRegister } = useModels();
  const [filter, setFilter] = useState('');
  const shown = (latest ?? []).filter((m) => matches(m, filter)).sort((a, b) => a.name.localeCompare(b.name));
  const onKeyDown = (event: React.KeyboardEvent) =>
    moveSelectionWithArrows(
      event,
      shown,
      shown.findIndex((m) => m.name === selected),
      (m) => void select(m.name),
    );
  return (
    <nav className="env-list" aria-label="Models" onKeyDown={onKeyDown}>
      <div className="list-header">
        <div className="list-title">
          <h2>Models</h2>
          {latest ? (
            <span className="count-badge" aria-label={`${latest.length} models`}>
              {latest.length}
            </span>
          ) : null}
        </div>
        <button type="button" className="primary" onClick={() => openRegister({})}>
          Register model
        </button>
      </div>
      <div className="pad">
        <input
          aria-label="Filter models"
          placeholder="Filter: name, framework, tag or tag=value"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      {latest === null ? <p className="muted pad">Loading models...</p> : null}
      {latest?.length === 0 ? (
        <EmptyState compact icon="◆" title="No models yet">
          Register one from a file or folder, or from a run&apos;s outputs.
        </EmptyState>
      ) : null}
      {latest && latest.length > 0 && shown.length === 0 ? (
        <p className="muted pad">No model matches &quot;{filter}&quot;.</p>
      ) : null}
      <ul>
        {shown.map((m) => (
          <li key={m.name}>
            <button
              type="button"
              className={`env-row ${m.name === selected ? 'selected' : ''}`}
              onClick={() => void select(m.name)}
              aria-current={m.name === selected ? 'true' : undefined}
            >
              <span className="env-name">{m.name}</span>
              <span className="badge">v{m.version}</span>
              {m.mlflow ? (
                <span className="badge" title={`MLflow model: ${Object.keys(m.mlflow.flavors).join(', ')}`}>
                  MLflow
                </span>
              ) : null}
              <span className="muted">
                {m.framework}
                {m.frameworkVersion ? ` ${m.frameworkVersion}` : ''}
              </span>
              <TagChips tags={m.tags} />
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
