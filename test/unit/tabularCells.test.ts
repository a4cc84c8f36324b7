import { describe, expect, it } from 'vitest';
import { parseIsoDatetime, textCellKind } from '../../src/main/core/datasets/tabular/cellValues';
import { ColumnStats, widenType } from '../../src/main/core/datasets/tabular/columnStats';

describe('textCellKind (pandas read_csv rules)', () => {
  it("reads pandas' NA strings as missing and keeps other words as text", () => {
    for (const text of ['', 'NA', 'N/A', 'null', 'NaN', 'nan', 'None', '<NA>', '#N/A']) {
      expect(textCellKind(text)).toBe('missing');
    }
    for (const text of ['na', 'none', 'x', 'inf', '1,5', '12a']) expect(textCellKind(text)).toBe('string');
  });

  it('tells ints, floats, bools and ISO dates apart as pandas and dataprep do', () => {
    expect(['1', '-7', '+3', '007', ' 42 '].map(textCellKind)).toEqual(['int', 'int', 'int', 'int', 'int']);
    expect(['1.5', '1.', '.5', '1e5', '-2.5E-3'].map(textCellKind)).toEqual(Array(5).fill('float'));
    expect(['True', 'FALSE', 'true'].map(textCellKind)).toEqual(['bool', 'bool', 'bool']);
    expect(['tRUE', 'yes', '1'].map(textCellKind)).toEqual(['string', 'string', 'int']);
    expect(['2024-02-29', '2024-02-29 10:30', '2024-02-29T10:30:05.25Z'].map(textCellKind)).toEqual(
      Array(3).fill('datetime'),
    );
    expect(['2023-02-29', '2024-13-01', '2024-1-1'].map(textCellKind)).toEqual(Array(3).fill('string'));
    // The character-by-character paths agree with the general ones.
    expect(['1234567890', '-0', '1234567890123456789', '-', '-2024-01-01', '2024-01-0x'].map(textCellKind)).toEqual([
      'int',
      'int',
      'int',
      'string',
      'string',
      'string',
    ]);
  });

  it('orders date-times by instant, zones included', () => {
    expect(parseIsoDatetime('2024-01-01T01:00:00+01:00')).toBe(Date.UTC(2024, 0, 1));
    expect(parseIsoDatetime('2024-01-01')).toBe(Date.UTC(2024, 0, 1));
    expect(parseIsoDatetime('2024-01-01T00:00:00.5')).toBe(Date.UTC(2024, 0, 1) + 500);
    for (const text of ['1601-03-01', '1969-12-31', '2000-02-29', '2100-02-28 23:59:59']) {
      expect(parseIsoDatetime(text)).toBe(Date.parse(`${text.replace(' ', 'T')}${text.length > 10 ? 'Z' : ''}`));
    }
  });
});

describe('ColumnStats', () => {
  it('widens int -> float -> string, never back', () => {
    expect(widenType('int', 'float')).toBe('float');
    expect(widenType('empty', 'bool')).toBe('bool');
    expect(widenType('bool', 'int')).toBe('string');
    expect(widenType('datetime', 'int')).toBe('string');
    const column = new ColumnStats('x');
    for (const text of ['1', '', '2.5', 'NA', 'oops', '3']) column.addText(text);
    expect(column.profile(6)).toEqual({ name: 'x', type: 'string', missing: 2, min: null, max: null, mean: null });
  });

  it('keeps min, max, mean and missing of numbers and the extreme texts of dates', () => {
    const numbers = new ColumnStats('n');
    for (const text of ['3', '', '-1', '4.5']) numbers.addText(text);
    expect(numbers.profile(4)).toEqual({ name: 'n', type: 'float', missing: 1, min: -1, max: 4.5, mean: 6.5 / 3 });
    const dates = new ColumnStats('d');
    for (const text of ['2024-05-01', '2023-01-02 10:00', 'NA', '2024-05-01T00:00:01']) dates.addText(text);
    expect(dates.profile(4)).toMatchObject({
      type: 'datetime',
      missing: 1,
      min: '2023-01-02 10:00',
      max: '2024-05-01T00:00:01',
    });
  });

  it('counts the rows a column never saw as missing, and an all-missing column is empty', () => {
    const sparse = new ColumnStats('late');
    sparse.addNumber(5, true);
    expect(sparse.profile(3)).toMatchObject({ type: 'int', missing: 2, mean: 5 });
    const none = new ColumnStats('none');
    none.addText('');
    expect(none.profile(1)).toEqual({ name: 'none', type: 'empty', missing: 1, min: null, max: null, mean: null });
  });

  it('sums a long column without drift (compensated)', () => {
    const column = new ColumnStats('f');
    for (let i = 0; i < 1_000_000; i++) column.addNumber(0.1, false);
    expect(column.profile(1_000_000).mean).toBeCloseTo(0.1, 15);
  });
});
