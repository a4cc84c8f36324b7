import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import type { Distribution, ParameterValue } from './parameterSpace';

/**
 * RandomParameterSampling: trial n's values depend only on (seed, n). Its generator is the sweep's seeded
 * xoroshiro128+ jumped n + 1 times (each jump is 2^64 draws ahead, so trials never share draws), which lets a
 * restarted queue owner sample exactly what the first one would have. pure-rand: a maintained, seedable,
 * jumpable PRNG for Node (Math.random cannot be seeded).
 */
export function sampleRandom(space: [string, Distribution][], seed: number, n: number): Record<string, ParameterValue> {
  const rng = xoroshiro128plus(seed);
  // n + 1 jumps: a freshly seeded xoroshiro's first outputs follow its seed (near 1.0 for small seeds); a jump
  // mixes the whole state.
  for (let i = 0; i <= n; i++) rng.jump();
  const params: Record<string, ParameterValue> = {};
  for (const [name, distribution] of space) params[name] = draw(rng, distribution);
  return params;
}

/** hyperopt's definitions, which Azure's expressions follow (round(x / q) * q for the q forms). */
export function draw(rng: RandomGenerator, d: Distribution): ParameterValue {
  switch (d.type) {
    case 'choice':
      return d.values[uniformInt(rng, 0, d.values.length - 1)] as ParameterValue;
    case 'randint':
      return uniformInt(rng, 0, d.upper - 1);
    case 'uniform':
      return uniform(rng, d.min, d.max);
    case 'loguniform':
      return Math.exp(uniform(rng, d.min, d.max));
    case 'quniform':
      return quantize(uniform(rng, d.min, d.max), d.q);
    case 'qloguniform':
      return quantize(Math.exp(uniform(rng, d.min, d.max)), d.q);
    case 'normal':
      return d.mu + d.sigma * standardNormal(rng);
    case 'lognormal':
      return Math.exp(d.mu + d.sigma * standardNormal(rng));
    case 'qnormal':
      return quantize(d.mu + d.sigma * standardNormal(rng), d.q);
    case 'qlognormal':
      return quantize(Math.exp(d.mu + d.sigma * standardNormal(rng)), d.q);
  }
}

function uniform(rng: RandomGenerator, min: number, max: number): number {
  return min + (max - min) * uniformFloat64(rng);
}

/** Box-Muller from two uniforms; 1 - u keeps log() away from 0. */
function standardNormal(rng: RandomGenerator): number {
  const u = 1 - uniformFloat64(rng);
  const v = uniformFloat64(rng);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** round(x / q) * q; q is a whole number (the SDK refuses others), so the result is one too. */
function quantize(x: number, q: number): number {
  return Math.round(x / q) * q;
}
