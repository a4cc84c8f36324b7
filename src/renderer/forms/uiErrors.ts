import type { ApiError } from '../../shared/errors';
import { asApiError } from '../stores/ui';

/** The forms that place the core's errors beside their fields. */
export type FormId = 'submitRun' | 'registerModel' | 'deployService' | 'registerDataset' | 'environment';

/** An error as a form shows it: which field it is about (or 'form'), in the UI's words, never the CLI's. */
export interface UiError {
  field: string;
  code: ApiError['code'];
  message: string;
  hint?: string;
}

interface Rule {
  field: string;
  when(error: ApiError): boolean;
  /** The way out in this form's words; else the core's hint with its CLI words translated. */
  hint?: string;
}

const says = (error: ApiError, ...words: string[]) =>
  words.some((w) => error.message.toLowerCase().includes(w.toLowerCase()));

/** Each form's fields and the errors that belong to them, first match wins. */
const RULES: Record<FormId, Rule[]> = {
  submitRun: [
    { field: 'experiment', when: (e) => e.code === 'INVALID_NAME' && says(e, 'experiment') },
    {
      field: 'script',
      when: (e) => says(e, 'script not found', 'outside the source folder'),
      hint: 'Give the script relative to the source folder, e.g. train.py.',
    },
    {
      field: 'sourceDirectory',
      when: (e) => says(e, 'source folder not found'),
      hint: 'Choose the folder that holds your training script.',
    },
    {
      field: 'sourceDirectory',
      when: (e) => says(e, 'snapshot of'),
      hint: 'Exclude data and outputs in .amlignore (same syntax as .gitignore), or raise the snapshot limit in Settings.',
    },
    { field: 'inputs', when: (e) => says(e, 'dataset') },
    { field: 'environment', when: (e) => says(e, 'environment') },
  ],
  registerModel: [
    { field: 'name', when: (e) => e.code === 'INVALID_NAME' || e.code === 'RESERVED_NAME' },
    { field: 'properties', when: (e) => says(e, 'properties are immutable') },
    { field: 'runId', when: (e) => says(e, 'no run') },
    { field: 'path', when: (e) => e.code === 'NOT_FOUND' || says(e, 'path', 'file', 'folder') },
  ],
  deployService: [
    { field: 'name', when: (e) => e.code === 'INVALID_NAME' || (e.code === 'ALREADY_EXISTS' && says(e, 'service')) },
    { field: 'port', when: (e) => says(e, 'port') },
    {
      field: 'entryScript',
      when: (e) => says(e, 'entry script'),
      hint: 'Choose a score.py: with a source folder, its path is relative to that folder.',
    },
    { field: 'sourceDirectory', when: (e) => says(e, 'source folder'), hint: 'Choose an existing folder.' },
    { field: 'models', when: (e) => says(e, 'model') },
    { field: 'environment', when: (e) => says(e, 'environment') },
  ],
  registerDataset: [
    {
      field: 'name',
      when: (e) => ['INVALID_NAME', 'ALREADY_EXISTS', 'RESERVED_NAME'].includes(e.code),
      hint: 'Give it a name.',
    },
    { field: 'tabular', when: (e) => e.code === 'PARSE_ERROR' },
    { field: 'paths', when: (e) => e.code === 'NOT_FOUND' || says(e, 'path', 'glob') },
  ],
  environment: [
    { field: 'definition', when: (e) => e.code === 'PARSE_ERROR' || e.location !== undefined },
    { field: 'name', when: (e) => e.code === 'INVALID_NAME' || e.code === 'RESERVED_NAME' || e.code === 'READ_ONLY' },
  ],
};

/** The CLI's flags and commands in the UI's words (what a field is called on screen). */
const FLAG_WORDS: [RegExp, string][] = [
  [/\s*\(?with -d\)?/g, ' in Source folder'],
  [/\(-d\)/g, '(Source folder)'],
  [/--entry-script score\.py/g, 'an entry script (score.py)'],
  [/--framework ScikitLearn/g, 'the framework ScikitLearn'],
  [/Pass --exist-ok to overwrite/g, 'Tick "Replace the model\'s files" to overwrite'],
  [/--snapshot-max-mb \/ --snapshot-max-files/g, 'Settings > snapshot limits'],
  [/-n NAME/g, 'a name'],
  [/,? or pass --overwrite/g, ''],
];

/** A hint still naming a command line (`benchtop ...`, -x, --flag) after translation is not for this screen. */
const CLI_LEFT = /`[^`]*`|\bbenchtop\s+[a-z]|(^|[\s(])--?[a-z][\w-]*/i;

/** The core's hint in the UI's words; undefined when it only makes sense on a command line. */
export function uiWords(hint: string | undefined): string | undefined {
  if (!hint) return undefined;
  let text = hint;
  for (const [pattern, words] of FLAG_WORDS) text = text.replace(pattern, words);
  return CLI_LEFT.test(text) ? undefined : text;
}

/** Maps any error (a BenchtopError, its data, or anything thrown) to the field it is about and the UI's words. */
export function uiError(err: unknown, form: FormId): UiError {
  const error = isApiError(err) ? err : asApiError(err);
  const rule = RULES[form].find((r) => r.when(error));
  return {
    field: rule?.field ?? 'form',
    code: error.code,
    message: stripCliWords(error.message),
    hint: rule?.hint ?? uiWords(error.hint),
  };
}

function stripCliWords(message: string): string {
  let text = message;
  for (const [pattern, words] of FLAG_WORDS) text = text.replace(pattern, words);
  return text;
}

function isApiError(err: unknown): err is ApiError {
  return typeof err === 'object' && err !== null && 'code' in err && 'message' in err && !(err instanceof Error);
}
