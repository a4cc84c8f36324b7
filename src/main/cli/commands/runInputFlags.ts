import { DatasetMode, type RunDatasetInput } from '../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../shared/errors';

const MODES = new Set<string>(DatasetMode.options);
const FORM = 'NAME=DATASET[:VERSION][:mount|download|direct]';

/**
 * `--input NAME=DATASET[:VERSION][:MODE]`, read from the right (dataset names cannot contain ':'), and
 * `--input-path NAME=REL` for the path on compute. `latest` as the version is Azure's word for the newest.
 */
export function parseInputFlags(inputs: string[] = [], inputPaths: string[] = []): RunDatasetInput[] {
  const parsed = inputs.map((text): RunDatasetInput => {
    const eq = text.indexOf('=');
    const name = eq > 0 ? text.slice(0, eq).trim() : '';
    const parts = eq > 0 ? text.slice(eq + 1).split(':') : [];
    const bad = (why: string) =>
      new BenchtopError(
        'BAD_INPUT',
        `--input "${text}": ${why}.`,
        `Give it as ${FORM}, e.g. --input train=titanic:2:mount.`,
      );
    if (!name || parts.length === 0) throw bad('no input name');
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name))
      // azureml-core's _validate_name, in its words (the schema's pattern, said before it is reached).
      throw new BenchtopError(
        'BAD_INPUT',
        `Invalid input name "${name}". The name can only be alphanumeric characters and underscore, and must not begin with a number.`,
        `Name it like a variable (at most 128 characters), e.g. --input train_data=${parts.join(':') || 'DATASET'}.`,
      );
    let mode: RunDatasetInput['mode'];
    let version: number | undefined;
    if (parts.length > 1 && MODES.has(parts[parts.length - 1] as string)) mode = parts.pop() as RunDatasetInput['mode'];
    const last = parts[parts.length - 1] as string;
    if (parts.length > 1 && (/^\d+$/.test(last) || last === 'latest')) {
      parts.pop();
      version = last === 'latest' ? undefined : Number(last);
      if (version === 0) throw bad('versions start at 1');
    }
    if (parts.length !== 1) throw bad(`"${parts.slice(1).join(':')}" is not a version or a mode`);
    const dataset = (parts[0] as string).trim();
    if (!dataset) throw bad('no dataset name');
    return { name, dataset, ...(version ? { version } : {}), ...(mode ? { mode } : {}) };
  });
  for (const text of inputPaths) {
    const eq = text.indexOf('=');
    const name = eq > 0 ? text.slice(0, eq).trim() : '';
    const rel = eq > 0 ? text.slice(eq + 1).trim() : '';
    const input = parsed.find((i) => i.name === name);
    if (!name || !rel)
      throw new BenchtopError(
        'BAD_INPUT',
        `--input-path "${text}": give it as NAME=RELATIVE_PATH.`,
        'E.g. --input-path train=data/train.',
      );
    if (!input)
      throw new BenchtopError(
        'BAD_INPUT',
        `--input-path "${text}" names no input.`,
        parsed.length
          ? `The inputs are: ${parsed.map((i) => i.name).join(', ')}.`
          : `Give the input too: --input ${name}=DATASET.`,
      );
    input.pathOnCompute = rel;
  }
  return parsed;
}
