import { ensureSyntaxTree } from '@codemirror/language';
import type { Diagnostic } from '@codemirror/lint';
import type { EditorState, Text } from '@codemirror/state';
import { DockerfileParser } from 'dockerfile-ast';
import { parseDocument } from 'yaml';
import { jsonErrorOffset } from '../../../shared/environments/parse';

export type EditorLanguage = 'yaml' | 'json' | 'dockerfile' | 'python' | 'text';

/** An error from outside the editor (the core's validation): 1-based line, optional 1-based column. */
export interface EditorError {
  line: number;
  column?: number;
  message: string;
}

/** Where a 1-based line/column is in the document, clamped to it. */
export function positionOf(doc: Text, line: number, column = 1): { from: number; to: number } {
  const l = doc.line(Math.min(Math.max(1, line), doc.lines));
  const from = Math.min(l.from + Math.max(0, column - 1), l.to);
  // Mark to the end of the line, or one character on an empty line so the mark is visible.
  return { from, to: Math.max(from === l.to ? Math.min(l.to + 1, doc.length) : l.to, from) };
}

/** YAML: the `yaml` package's errors and warnings carry the offsets they are about. */
function yamlDiagnostics(state: EditorState): Diagnostic[] {
  const doc = parseDocument(state.doc.toString(), { prettyErrors: false });
  const max = state.doc.length;
  return [...doc.errors, ...doc.warnings].map((e) => {
    const [from, to] = e.pos;
    return {
      from: Math.min(from, max),
      to: Math.min(Math.max(to, from + 1), max),
      severity: doc.errors.includes(e as never) ? 'error' : 'warning',
      message: e.message.split('\n')[0] ?? e.message,
    } satisfies Diagnostic;
  });
}

/**
 * JSON: JSON.parse decides whether it is valid; where it stopped comes from the shared scanner, because
 * engines word (and place) the position differently or leave it out ("... is not valid JSON").
 */
function jsonDiagnostics(state: EditorState): Diagnostic[] {
  const text = state.doc.toString();
  if (!text.trim()) return [];
  try {
    JSON.parse(text);
    return [];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = Math.min(jsonErrorOffset(text), text.length);
    return [
      {
        from: at,
        to: Math.min(at + 1, text.length),
        severity: 'error',
        message: message.replace(/^JSON\.parse: /, ''),
      },
    ];
  }
}

// The instructions Docker's parser knows (https://docs.docker.com/reference/dockerfile/).
const INSTRUCTIONS = new Set(
  'ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD RUN SHELL STOPSIGNAL USER VOLUME WORKDIR'.split(
    ' ',
  ),
);

/**
 * dockerfile-ast checks the first character for a UTF-8 BOM with Node's Buffer.from, absent in the page.
 * Lends it a TextEncoder-based Buffer.from for the parse only, so nothing else in the page sees a Buffer.
 */
function withBufferFrom<T>(parse: () => T): T {
  const scope = globalThis as { Buffer?: unknown };
  if (scope.Buffer !== undefined) return parse();
  scope.Buffer = { from: (text: string) => new TextEncoder().encode(text) };
  try {
    return parse();
  } finally {
    delete scope.Buffer;
  }
}

/** Dockerfile: dockerfile-ast parses it; unknown instructions, missing arguments and a late FROM are errors. */
function dockerfileDiagnostics(state: EditorState): Diagnostic[] {
  const doc = state.doc;
  const at = (p: { line: number; character: number }) => Math.min(doc.line(p.line + 1).from + p.character, doc.length);
  const out: Diagnostic[] = [];
  const instructions = withBufferFrom(() => DockerfileParser.parse(doc.toString()).getInstructions());
  const firstReal = instructions.find((i) => i.getKeyword().toUpperCase() !== 'ARG');
  if (firstReal && firstReal.getKeyword().toUpperCase() !== 'FROM') {
    const r = firstReal.getInstructionRange();
    out.push({
      from: at(r.start),
      to: at(r.end),
      severity: 'error',
      message: 'A Dockerfile must start with FROM (only ARG may come before it).',
    });
  }
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword().toUpperCase();
    const r = instruction.getInstructionRange();
    if (!INSTRUCTIONS.has(keyword))
      out.push({
        from: at(r.start),
        to: at(r.end),
        severity: 'error',
        message: `Unknown instruction ${instruction.getKeyword()}.`,
      });
    else if (instruction.getArguments().length === 0)
      out.push({ from: at(r.start), to: at(r.end), severity: 'error', message: `${keyword} needs arguments.` });
  }
  return out;
}

/** Python: the Lezer parser recovers from syntax errors with error nodes; each one is a diagnostic. */
function pythonDiagnostics(state: EditorState): Diagnostic[] {
  const tree = ensureSyntaxTree(state, state.doc.length, 500);
  if (!tree) return [];
  const out: Diagnostic[] = [];
  tree.iterate({
    enter: (node) => {
      if (!node.type.isError) return;
      // Error nodes are often empty (a missing token): mark the character at that spot.
      const line = state.doc.lineAt(node.from);
      const from = node.from;
      const to = node.to > from ? node.to : Math.min(from + 1, line.to > from ? line.to : state.doc.length);
      if (out.some((d) => state.doc.lineAt(d.from).number === line.number)) return; // one per line is enough
      out.push({ from, to: Math.max(to, from), severity: 'error', message: 'Python syntax error here.' });
    },
  });
  return out;
}

export function parserDiagnostics(language: EditorLanguage, state: EditorState): Diagnostic[] {
  switch (language) {
    case 'yaml':
      return yamlDiagnostics(state);
    case 'json':
      return jsonDiagnostics(state);
    case 'dockerfile':
      return dockerfileDiagnostics(state);
    case 'python':
      return pythonDiagnostics(state);
    default:
      return [];
  }
}

export function externalDiagnostics(doc: Text, errors: EditorError[]): Diagnostic[] {
  if (doc.length === 0) return [];
  return errors.map((e) => ({ ...positionOf(doc, e.line, e.column), severity: 'error', message: e.message }));
}
