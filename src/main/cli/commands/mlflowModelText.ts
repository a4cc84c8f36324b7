import type { MlflowModelInfo } from '../../../shared/api/modelTypes';

/** Flavor settings worth a line each (the rest is in --json). */
const FLAVOR_KEYS = ['loader_module', 'python_version', 'serialization_format', 'predict_fn', 'code'];

function flavorLine(name: string, config: Record<string, unknown>): string {
  const shown = Object.entries(config).filter(
    ([key, value]) =>
      (FLAVOR_KEYS.includes(key) || key.endsWith('_version')) && value !== null && typeof value !== 'object',
  );
  return `  ${name}${shown.length ? `: ${shown.map(([k, v]) => `${k} ${String(v)}`).join(', ')}` : ''}`;
}

function columns(spec: Record<string, unknown>[] | null): string {
  if (!spec) return '-';
  return spec
    .map((c) => {
      const type = c.type === 'tensor' ? `tensor ${JSON.stringify(c['tensor-spec'] ?? {})}` : String(c.type);
      return c.name === undefined ? type : `${String(c.name)} (${type})`;
    })
    .join(', ');
}

/** The MLflow part of `benchtop model show`: flavors, signature, Python and requirements, lineage. */
export function mlflowLines(info: MlflowModelInfo): string[] {
  const servable = Object.hasOwn(info.flavors, 'python_function');
  return [
    `MLflow:      ${info.path}/MLmodel, mlflow ${info.mlflowVersion ?? '?'}${info.runId ? `, run ${info.runId}` : ''}${info.modelUuid ? `, uuid ${info.modelUuid}` : ''}`,
    `  ${servable ? 'python_function: deploys without an entry script' : 'no python_function flavor: deploy it with an entry script'}`,
    'Flavors:',
    ...Object.entries(info.flavors).map(([name, config]) => flavorLine(name, config)),
    ...(info.signature
      ? [
          'Signature:',
          `  inputs:  ${columns(info.signature.inputs)}`,
          `  outputs: ${columns(info.signature.outputs)}`,
          ...(info.signature.params ? [`  params:  ${columns(info.signature.params)}`] : []),
        ]
      : ['Signature:   -']),
    `Python:      ${info.pythonVersion ?? '-'}${info.environmentFile ? ` (from ${info.environmentFile})` : ''}`,
    `Requires:    ${info.requirements.join(', ') || '-'}`,
    ...(info.condaDependencies.length ? [`Conda:       ${info.condaDependencies.join(', ')}`] : []),
  ];
}
