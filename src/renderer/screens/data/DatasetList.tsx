import { useState } from 'react';
import type { DatasetRecord } from '../../../shared/api/datasetTypes';
import { EmptyState } from '../../components/EmptyState';
import { moveSelectionWithArrows } from '../../components/listKeys';
import { tagsMatch } from '../../components/tagFilter';
import { useDatasets } from '../../stores/datasets';
import { TagChips } from '../models/ModelList';
import { datasetFacts } from './datasetFormat';

/** Name, kind, or a tag as "key" / "key=value". */
function matches(dataset: DatasetRecord, filter: string): boolean {
  const text = filter.trim().toLowerCase();
  if (!text) return true;
  return dataset.name.toLowerCase().includes(text) || dataset.kind === text || tagsMatch(dataset.tags, text);
}

/** Every dataset name with its newest version; arrow keys move the selection in the order shown. */
export function DatasetList() {
  const { latest, selected, select, openRegister } = useDatasets();
  const [filter, setFilter] = useState('');
  const shown = (latest ?? []).filter((d) => matches(d, filter)).sort((a, b) => a.name.localeCompare(b.name));
  const onKeyDown = (event: React.KeyboardEvent) =>
    moveSelectionWithArrows(
      event,
      shown,
      shown.findIndex((d) => d.name === selected),
      (d) => {
        void select(d.name);
        // Keep the focus on the selected row, so the next arrow key moves on from it.
        requestAnimationFrame(() =>
          document.querySelector<HTMLButtonElement>(`[data-dataset-row="${CSS.escape(d.name)}"]`)?.focus(),
        );
      },
    );
  return (
    <nav className="env-list data-list" aria-label="Datasets" onKeyDown={onKeyDown}>
      <div className="list-header">
        <div className="list-title">
          <h2>Data</h2>
          {latest ? (
            <span className="count-badge" aria-label={`${latest.length} datasets`}>
              {latest.length}
            </span>
          ) : null}
        </div>
        <button type="button" className="primary" onClick={() => openRegister({})}>
          Register dataset
        </button>
      </div>
      <div className="pad">
        <input
          aria-label="Filter datasets"
          placeholder="Filter: name, file, tabular, tag or tag=value"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      {latest === null ? <p className="muted pad">Loading datasets...</p> : null}
      {latest?.length === 0 ? (
        <EmptyState compact icon="▤" title="No datasets yet">
          Register files or a table (CSV, Parquet, JSON lines); from a terminal:{' '}
          <code>benchtop data register -n NAME -p ./data.csv --tabular</code>
        </EmptyState>
      ) : null}
      {latest && latest.length > 0 && shown.length === 0 ? (
        <p className="muted pad">No dataset matches &quot;{filter}&quot;.</p>
      ) : null}
      <ul>
        {shown.map((d) => (
          <li key={d.name}>
            <button
              type="button"
              data-dataset-row={d.name}
              className={`env-row ${d.name === selected ? 'selected' : ''}`}
              onClick={() => void select(d.name)}
              aria-current={d.name === selected ? 'true' : undefined}
            >
              <span className="env-name">{d.name}</span>
              <span className="row-badges">
                <span className={`badge kind-${d.kind}`}>{d.kind === 'tabular' ? 'Tabular' : 'File'}</span>
                <span className="badge">v{d.version}</span>
              </span>
              <span className="muted">{datasetFacts(d)}</span>
              <TagChips tags={d.tags} />
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
