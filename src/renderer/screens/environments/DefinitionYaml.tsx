import { useState } from 'react';
import type { EnvironmentDefinition } from '../../../shared/environments/definition';
import { definitionYaml } from './definitionView';

/** The environment's definition as YAML; fields that are null or Azure's defaults are hidden until asked. */
export function DefinitionYaml({ definition }: { definition: EnvironmentDefinition }) {
  const [all, setAll] = useState(false);
  const { text, hidden } = definitionYaml(definition, all);
  return (
    <div className="definition-yaml">
      <div className="row">
        <label className="inline">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          Show all fields
        </label>
        {!all && hidden > 0 ? (
          <span className="muted">
            {hidden} empty or default field{hidden === 1 ? '' : 's'} hidden
          </span>
        ) : null}
      </div>
      <pre className="code" data-testid="definition-yaml">
        {text}
      </pre>
    </div>
  );
}
