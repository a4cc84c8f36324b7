import type { Distribution, ParameterValue } from './parameterSpace';

/** GridParameterSampling's size: the product of every choice's length (choice only: checked at submit). */
export function gridSize(space: [string, Distribution][]): number {
  return space.reduce((size, [, d]) => size * (d.type === 'choice' ? d.values.length : 0), 1);
}

/**
 * The grid's n-th point, in itertools.product order over the parameters as given: the last parameter varies
 * fastest. Pure arithmetic on n, so a restarted queue owner continues the same grid.
 */
export function gridPoint(space: [string, Distribution][], n: number): Record<string, ParameterValue> {
  const params: Record<string, ParameterValue> = {};
  let rest = n;
  for (let i = space.length - 1; i >= 0; i--) {
    const [name, d] = space[i] as [string, Distribution];
    if (d.type !== 'choice') throw new Error(`grid over ${d.type}`);
    params[name] = d.values[rest % d.values.length] as ParameterValue;
    rest = Math.floor(rest / d.values.length);
  }
  // Back in the space's own key order.
  return Object.fromEntries(space.map(([name]) => [name, params[name] as ParameterValue]));
}
