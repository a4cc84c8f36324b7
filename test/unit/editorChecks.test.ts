import { python } from '@codemirror/lang-python';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { externalDiagnostics, parserDiagnostics } from '../../src/renderer/components/editor/checks';
import { isErrorLine } from '../../src/renderer/components/logView/errorLines';

const lineOf = (state: EditorState, from: number) => state.doc.lineAt(from).number;

describe('editor checks', () => {
  it('finds a YAML syntax error at its line and none in valid YAML', () => {
    const bad = EditorState.create({ doc: 'name: x\nlist: [a, b\nother: 1\n' });
    const found = parserDiagnostics('yaml', bad);
    expect(found.length).toBeGreaterThan(0);
    expect([2, 3, 4]).toContain(lineOf(bad, found[0]?.from ?? 0));
    expect(parserDiagnostics('yaml', EditorState.create({ doc: 'name: x\nlist: [a, b]\n' }))).toEqual([]);
  });

  it('finds where JSON.parse stopped', () => {
    const bad = EditorState.create({ doc: '{\n  "a": 1,\n  "b": }\n' });
    const [first] = parserDiagnostics('json', bad);
    expect(first && lineOf(bad, first.from)).toBe(3);
  });

  it('flags unknown Dockerfile instructions, missing arguments and a late FROM', () => {
    const state = EditorState.create({ doc: 'RUN echo hi\nFROM python:3.11\nRUNN x\nCMD\n' });
    const messages = parserDiagnostics('dockerfile', state).map((d) => `${lineOf(state, d.from)}: ${d.message}`);
    expect(messages).toEqual([
      '1: A Dockerfile must start with FROM (only ARG may come before it).',
      '3: Unknown instruction RUNN.',
      '4: CMD needs arguments.',
    ]);
  });

  it('marks a Python syntax error at its line (Lezer error nodes) and none in valid code', () => {
    const bad = EditorState.create({
      doc: 'def init():\n    x = (1,\ndef run(raw):\n    return raw\n',
      extensions: [python()],
    });
    const found = parserDiagnostics('python', bad);
    expect(found.length).toBeGreaterThan(0);
    expect([2, 3]).toContain(lineOf(bad, found[0]?.from ?? 0));
    const good = EditorState.create({ doc: 'def run(raw):\n    return raw\n', extensions: [python()] });
    expect(parserDiagnostics('python', good)).toEqual([]);
  });

  it("places the core's errors at their line, clamped to the document", () => {
    const state = EditorState.create({ doc: 'a\nb\nc' });
    const [at2, past] = externalDiagnostics(state.doc, [
      { line: 2, message: 'bad b' },
      { line: 99, message: 'beyond' },
    ]);
    expect(at2 && lineOf(state, at2.from)).toBe(2);
    expect(past && lineOf(state, past.from)).toBe(3);
  });
});

describe('log error lines', () => {
  it.each([
    ['Traceback (most recent call last):', true],
    ['ValueError: bad input 2', true],
    ['json.decoder.JSONDecodeError: Invalid control character', true],
    ['ERROR: Could not find a version that satisfies the requirement', true],
    ['Process exited with code 2', true],
    ['exit code 0', false],
    ['epoch 3 loss=0.2 (no error)', false],
    ['2026-12-01 I benchtop - POST /score 200 1.2ms', false],
  ])('%s -> %s', (line, expected) => expect(isErrorLine(line)).toBe(expected));
});
