import { parseDocument, stringify as yamlStringify } from 'yaml';
import type { ZodError } from 'zod';
import { BenchtopError } from '../errors';
import { CondaSpec, EnvironmentDefinition } from './definition';

const CONDA_KEYS = new Set(['name', 'channels', 'dependencies', 'prefix', 'variables']);

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

function zodMessage(err: ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** Parses JSON text; a syntax error names its line and column. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Engines differ in whether they report a position, so find it ourselves.
    const where = lineColumnAt(text, jsonErrorOffset(text));
    throw new BenchtopError(
      'PARSE_ERROR',
      `${file}: invalid JSON at line ${where.line}, column ${where.column}: ${message.replace(/ in JSON at position \d+.*$/, '').split('\n')[0]}`,
      'Fix the JSON syntax at that place (a missing comma, quote or bracket is the usual cause).',
      { file, ...where },
    );
  }
}

/** The offset of the first character that makes `text` invalid JSON (a small recursive-descent scan). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) if (text[i++] !== ch) fail();
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if ((text.charCodeAt(i) ?? 0) < 0x20) fail();
      i++;
    }
    if (text[i] !== '"') fail();
    i++;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) fail();
      i += (m as RegExpExecArray)[0].length;
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return text.length;
  } catch (offset) {
    return Math.min(typeof offset === 'number' ? offset : i, text.length);
  }
}

/** Parses YAML text; a syntax error names its line and column. */
export function parseYamlText(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? { line: pos.line, column: pos.col } : lineColumnAt(text, first.pos[0]);
    const reason = first.message.split('\n')[0] ?? first.message;
    throw new BenchtopError(
      'PARSE_ERROR',
      `${file}: invalid YAML at line ${where.line}, column ${where.column}: ${reason}`,
      'Check the indentation and the "- " list markers at that line.',
      { file, ...where },
    );
  }
  return doc.toJS();
}

/** A conda environment file (`conda_dependencies.yml`, `environment.yml`). */
export function parseCondaYaml(text: string, file = 'conda_dependencies.yml'): CondaSpec {
  const raw = parseYamlText(text, file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new BenchtopError(
      'BAD_INPUT',
      `${file}: expected a mapping with "dependencies".`,
      'Start from `benchtop env scaffold` to see the expected layout.',
      { file, line: 1, column: 1 },
    );
  }
  const unknown = Object.keys(raw).filter((k) => !CONDA_KEYS.has(k));
  if (unknown.length > 0) {
    throw new BenchtopError(
      'BAD_INPUT',
      `${file}: unknown conda key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}.`,
      `Allowed top-level keys are ${[...CONDA_KEYS].join(', ')}.`,
      { file, ...lineOfKey(text, unknown[0] ?? '') },
    );
  }
  const parsed = CondaSpec.safeParse({ dependencies: [], ...raw });
  if (!parsed.success) {
    throw new BenchtopError(
      'BAD_INPUT',
      `${file}: ${zodMessage(parsed.error)}`,
      'Dependencies are strings like "numpy=1.26" or a "pip:" list of strings.',
      { file, ...lineOfKey(text, 'dependencies') },
    );
  }
  for (const dep of parsed.data.dependencies) {
    const specs = typeof dep === 'string' ? [dep] : dep.pip;
    for (const spec of specs) {
      if (typeof dep === 'string' && spec.trim().startsWith('-')) {
        throw new BenchtopError(
          'BAD_INPUT',
          `${file}: invalid package name "${spec}".`,
          'Conda package specs cannot start with "-"; pip options belong in the pip list.',
          { file, ...lineOfText(text, spec) },
        );
      }
    }
  }
  return parsed.data;
}

/** The lines of a pip requirements file that matter (comments and blanks dropped). */
export function parsePipRequirements(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line.length > 0);
}

/** Validates a definition object (from JSON or the editor) and fills Azure's defaults. */
export function normalizeDefinition(
  raw: unknown,
  file = 'azureml_environment.json',
  text?: string,
): EnvironmentDefinition {
  const parsed = EnvironmentDefinition.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[issue.path.length - 1];
    throw new BenchtopError(
      'BAD_INPUT',
      `${file}: ${zodMessage(parsed.error)}`,
      'Compare with a folder written by `benchtop env scaffold`.',
      text && typeof key === 'string' ? { file, ...lineOfKey(text, key) } : { file },
    );
  }
  return parsed.data;
}

/** Parses the text of the editor's raw view: JSON or YAML of a whole definition. */
export function parseDefinitionText(text: string, format: 'json' | 'yaml'): EnvironmentDefinition {
  const file = format === 'json' ? 'definition.json' : 'definition.yaml';
  const raw = format === 'json' ? parseJsonText(text, file) : parseYamlText(text, file);
  const def = normalizeDefinition(raw, file, text);
  const conda = def.python.condaDependencies;
  if (conda) parseCondaYaml(yamlStringify(conda), `${file} (python.condaDependencies)`);
  return def;
}

export function condaYamlText(spec: CondaSpec): string {
  return yamlStringify(spec, { lineWidth: 0 });
}

export function definitionYamlText(def: EnvironmentDefinition): string {
  return yamlStringify(def, { lineWidth: 0 });
}

function lineOfKey(text: string, key: string): { line: number; column: number } | Record<string, never> {
  const match = new RegExp(`^(\\s*)"?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\s*:`, 'm').exec(text);
  return match ? lineColumnAt(text, match.index + (match[1]?.length ?? 0)) : {};
}

function lineOfText(text: string, needle: string): { line: number; column: number } | Record<string, never> {
  const idx = text.indexOf(needle);
  return idx >= 0 ? lineColumnAt(text, idx) : {};
}
