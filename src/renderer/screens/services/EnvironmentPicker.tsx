import { useEffect, useState } from 'react';
import type { EnvironmentSummary } from '../../../shared/api/types';
import { client } from '../../transport/client';

/** An environment as "name:version" (the latest version of each, with curated ones). */
export function EnvironmentPicker({
  value,
  onChange,
  placeholder,
}: {
  value: string;
  onChange(env: string): void;
  placeholder?: string;
}) {
  const [environments, setEnvironments] = useState<EnvironmentSummary[]>([]);
  useEffect(() => {
    client.environments.list({}).then(setEnvironments, () => setEnvironments([]));
  }, []);
  const options = environments.map((e) => `${e.name}:${e.latestVersion}`);
  if (value && !options.includes(value)) options.unshift(value);
  return (
    <label>
      Environment
      <select aria-label="Environment" value={value} onChange={(e) => onChange(e.target.value)}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}
