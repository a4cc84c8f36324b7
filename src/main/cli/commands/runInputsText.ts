import type { ModelDatasetLink, RunDatasetUse } from '../../../shared/api/datasetTypes';

/** `run show`'s "Inputs" section: every dataset version the run used, as an input or read through the API. */
export function inputLines(uses: RunDatasetUse[]): string[] {
  if (uses.length === 0) return [];
  return [
    'Inputs:',
    ...uses.map((u) =>
      `  ${u.inputName.padEnd(16)} ${`${u.name}:${u.version}`.padEnd(24)} ${(u.via === 'api' ? 'read through the API' : u.mode).padEnd(9)}${u.path ? ` ${u.path}` : ''}`.trimEnd(),
    ),
  ];
}

/** `model show`'s "Datasets" section: the dataset versions the model was made from, by purpose. */
export function modelDatasetLines(links: ModelDatasetLink[]): string[] {
  if (links.length === 0) return [];
  return ['Datasets:', ...links.map((l) => `  ${l.purpose.padEnd(12)} ${l.name}:${l.version}`)];
}
