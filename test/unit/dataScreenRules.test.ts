import { describe, expect, it } from 'vitest';
import type { RunDatasetUse } from '../../src/shared/api/datasetTypes';
import { formatStat, rowsText } from '../../src/renderer/screens/data/datasetFormat';
import {
  defaultMode,
  inputNameFor,
  inputProblems,
  recordedRows,
  toRunInputs,
} from '../../src/renderer/screens/data/inputRows';
import { fieldOf } from '../../src/renderer/screens/data/registerErrors';
import { choiceFrom, describeTabular, tabularOptions } from '../../src/renderer/screens/data/tabularChoice';

const delimited = (separator: string, header = true) => ({
  format: 'delimited' as const,
  separator,
  header,
  encoding: 'utf8' as const,
  inferColumnTypes: true,
});

describe("the register form's tabular options", () => {
  it('reads the format from the first path as the CLI does, and says so when it cannot', () => {
    const auto = { format: 'auto' as const, separator: '', header: true };
    expect(tabularOptions(auto, ['/d/train.csv']).options).toEqual(delimited(','));
    expect(tabularOptions(auto, ['/d/**/*.tsv']).options).toEqual(delimited('\t'));
    expect(tabularOptions(auto, ['/d/part.parquet']).options?.format).toBe('parquet');
    expect(tabularOptions(auto, ['/d/rows.json']).options?.format).toBe('jsonl');
    expect(tabularOptions(auto, ['/d/folder']).error).toBe(
      'Cannot tell the format from "/d/folder": choose CSV, TSV, Parquet or JSON lines.',
    );
    expect(tabularOptions(auto, [])).toEqual({ options: null, error: null });
  });

  it('takes a typed separator (\\t for a tab) and the header choice, and refuses a long separator', () => {
    expect(tabularOptions({ format: 'csv', separator: ';', header: false }, []).options).toEqual(delimited(';', false));
    expect(tabularOptions({ format: 'csv', separator: '\\t', header: true }, []).options).toEqual(delimited('\t'));
    expect(tabularOptions({ format: 'csv', separator: ';;', header: true }, []).error).toBe(
      'The separator is one character (or \\t for a tab).',
    );
  });

  it('round-trips a version\'s options into the form for "Register new version"', () => {
    for (const options of [delimited(','), delimited('\t'), delimited('|', false)])
      expect(tabularOptions(choiceFrom(options), ['/x']).options).toEqual(options);
    expect(choiceFrom(null)).toEqual({ format: 'auto', separator: '', header: true });
    expect(describeTabular(delimited('\t', false))).toBe('delimited, separator tab, no header line');
  });
});

describe("the run form's inputs", () => {
  const use = (patch: Partial<RunDatasetUse>): RunDatasetUse => ({
    runId: 'r1',
    inputName: 'training',
    name: 'train',
    version: 2,
    mode: 'mount',
    via: 'input',
    path: null,
    ...patch,
  });

  it("names an input after its dataset by as_named_input's rule and defaults the mode by kind (Azure)", () => {
    expect(inputNameFor('iris-train.v2')).toBe('iris_train_v2');
    expect(inputNameFor('2024-data')).toBe('_2024_data');
    expect(defaultMode('tabular')).toBe('direct');
    expect(defaultMode('file')).toBe('mount');
  });

  it('says what is wrong per row: no dataset, a bad name, a name used twice', () => {
    const rows = [
      { name: 'a', dataset: '', version: '', mode: 'mount' as const },
      { name: '2bad', dataset: 'x', version: '', mode: 'mount' as const },
      { name: 'ok', dataset: 'x', version: '', mode: 'mount' as const },
      { name: 'ok', dataset: 'y', version: '3', mode: 'download' as const },
    ];
    expect([...inputProblems(rows)]).toEqual([
      [0, 'Choose a dataset.'],
      [1, 'The input name is letters, digits and "_", not starting with a digit.'],
      [3, 'Two inputs are named "ok": rename one.'],
    ]);
    expect(toRunInputs(rows.slice(2))).toEqual([
      { name: 'ok', dataset: 'x', version: undefined, mode: 'mount' },
      { name: 'ok', dataset: 'y', version: 3, mode: 'download' },
    ]);
  });

  it('a re-run starts from the recorded inputs (not API reads) and sends only what changed', () => {
    const rows = recordedRows([use({}), use({ inputName: 'train', via: 'api', mode: 'direct' })]);
    expect(rows).toHaveLength(1);
    expect(toRunInputs(rows)).toEqual([]);
    expect(toRunInputs([{ ...rows[0]!, version: '' }])).toEqual([
      { name: 'training', dataset: 'train', version: undefined, mode: 'mount' },
    ]);
  });
});

describe("the register form's errors", () => {
  it('go beside the field they are about', () => {
    expect(
      fieldOf({ code: 'ALREADY_EXISTS', message: 'There is already a dataset registered under name "x"' }, []),
    ).toBe('name');
    expect(fieldOf({ code: 'BAD_INPUT', message: 'The glob "/d/*.csv" matched nothing.' }, ['/d/*.csv'])).toBe('paths');
    expect(fieldOf({ code: 'PARSE_ERROR', message: 'Line 3 has 4 fields, the header 3.' }, [])).toBe('tabular');
    expect(fieldOf({ code: 'DISK_FULL', message: 'No space left.' }, ['/d'])).toBe('form');
  });
});

it('profile values and row counts read as people write them', () => {
  expect(formatStat(5.433333333)).toBe('5.43333');
  expect(formatStat(3)).toBe('3');
  expect(formatStat('2024-01-01T00:00:00')).toBe('2024-01-01T00:00:00');
  expect(formatStat(null)).toBe('');
  expect(rowsText(1)).toBe('1 row');
  expect(rowsText(12345)).toBe('12,345 rows');
});
