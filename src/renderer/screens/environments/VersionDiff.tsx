import { useState } from 'react';
import type { EnvironmentRecord } from '../../../shared/api/types';
import { diffLines } from '../../../shared/environments/diff';
import { definitionYamlText } from '../../../shared/environments/parse';

function text(record: EnvironmentRecord): string {
  const { version: _v, ...rest } = record.definition;
  return definitionYamlText(rest as EnvironmentRecord['definition']);
}

function VersionSelect({
  label,
  value,
  onChange,
  versions,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  versions: EnvironmentRecord[];
}) {
  return (
    <label>
      {label}{' '}
      <select
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-label={`Compare ${label.toLowerCase()} version`}
      >
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Pick two versions and see what changed between them. */
export function VersionDiff({ versions }: { versions: EnvironmentRecord[] }) {
  const [from, setFrom] = useState(versions[1]?.version ?? versions[0]?.version ?? '1');
  const [to, setTo] = useState(versions[0]?.version ?? '1');
  const a = versions.find((v) => v.version === from);
  const b = versions.find((v) => v.version === to);
  if (versions.length < 2)
    return (
      <p className="muted">
        Only one version so far. Register a changed definition to get version 2, then compare here.
      </p>
    );
  const lines = a && b ? diffLines(text(a), text(b)) : [];
  const changed = lines.filter((l) => l.kind !== 'same').length;
  return (
    <div className="diff">
      <div className="row">
        <VersionSelect label="From" value={from} onChange={setFrom} versions={versions} />
        <VersionSelect label="to" value={to} onChange={setTo} versions={versions} />
        <span className="muted">
          {changed === 0 ? 'No differences.' : `${changed} changed line${changed === 1 ? '' : 's'}`}
          {a && b && a.buildKey !== b.buildKey ? ' · different build keys' : ' · same build key'}
        </span>
      </div>
      <pre className="code" aria-label="Differences">
        {lines.map((l, i) => (
          <div key={i} className={`diff-${l.kind}`}>
            {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}
            {l.text}
          </div>
        ))}
      </pre>
    </div>
  );
}
