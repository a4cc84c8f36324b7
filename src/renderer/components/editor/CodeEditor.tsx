import { json } from '@codemirror/lang-json';
import { python } from '@codemirror/lang-python';
import { yaml } from '@codemirror/lang-yaml';
import { StreamLanguage } from '@codemirror/language';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import { type Diagnostic, forEachDiagnostic, forceLinting, linter, lintGutter } from '@codemirror/lint';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { type EditorError, type EditorLanguage, externalDiagnostics, parserDiagnostics } from './checks';
import { editorTheme } from './theme';
import './editor.css';

export type { EditorError, EditorLanguage } from './checks';

// CodeMirror 6: a maintained editor that runs under the CSP (no eval) with real parsers per language.
function languageExtension(language: EditorLanguage): Extension {
  switch (language) {
    case 'yaml':
      return yaml();
    case 'json':
      return json();
    case 'python':
      return python();
    case 'dockerfile':
      return StreamLanguage.define(dockerFile);
    default:
      return [];
  }
}

export interface CodeEditorProps {
  language: EditorLanguage;
  value: string;
  onChange?(value: string): void;
  readOnly?: boolean;
  /** Errors found outside the editor (the core's validation), shown at their lines with the parser's own. */
  errors?: EditorError[];
  /** The accessible name of the text area. */
  label: string;
  /** Minimum height in px (the editor grows with its content up to maxHeight, then scrolls). */
  minHeight?: number;
  maxHeight?: number;
}

interface Problem {
  line: number;
  column: number;
  message: string;
  from: number;
}

/**
 * A code editor with syntax colours, line numbers and the parser's errors at their lines
 * (underlined, marked in the gutter, and listed under the editor with a jump to each).
 */
export function CodeEditor({
  language,
  value,
  onChange,
  readOnly,
  errors,
  label,
  minHeight = 120,
  maxHeight = 560,
}: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changeRef = useRef(onChange);
  const errorsRef = useRef<EditorError[]>(errors ?? []);
  const languageRef = useRef(language);
  // The editor's callbacks read the latest props through these refs (the view is created once).
  useLayoutEffect(() => {
    changeRef.current = onChange;
    errorsRef.current = errors ?? [];
    languageRef.current = language;
  });
  const [problems, setProblems] = useState<Problem[]>([]);
  const compartments = useRef({ language: new Compartment(), readOnly: new Compartment() });

  useEffect(() => {
    if (!host.current) return;
    const { language: lang, readOnly: ro } = compartments.current;
    const check = linter(
      (v): Diagnostic[] => [
        ...parserDiagnostics(languageRef.current, v.state),
        ...externalDiagnostics(v.state.doc, errorsRef.current),
      ],
      { delay: 250 },
    );
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          lang.of(languageExtension(language)),
          ro.of([EditorState.readOnly.of(Boolean(readOnly)), EditorView.editable.of(!readOnly)]),
          check,
          lintGutter(),
          editorTheme,
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changeRef.current?.(u.state.doc.toString());
          }),
          // The lint results, listed under the editor in words ("Line 3, column 5: ...").
          EditorView.updateListener.of((u) => {
            const diagnostics: Diagnostic[] = [];
            forEachDiagnostic(u.state, (d) => diagnostics.push(d));
            const next = diagnostics.map((d) => {
              const line = u.state.doc.lineAt(d.from);
              return { line: line.number, column: d.from - line.from + 1, message: d.message, from: d.from };
            });
            setProblems((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Created once; value, language, readOnly and errors are pushed in by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value)
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);
  useEffect(() => {
    view.current?.dispatch({ effects: compartments.current.language.reconfigure(languageExtension(language)) });
  }, [language]);
  useEffect(() => {
    view.current?.dispatch({
      effects: compartments.current.readOnly.reconfigure([
        EditorState.readOnly.of(Boolean(readOnly)),
        EditorView.editable.of(!readOnly),
      ]),
    });
  }, [readOnly]);
  const errorsKey = JSON.stringify(errors ?? []);
  useEffect(() => {
    if (view.current) forceLinting(view.current);
  }, [errorsKey]);

  const jump = (from: number) => {
    const editor = view.current;
    if (!editor) return;
    editor.dispatch({ selection: { anchor: from }, effects: EditorView.scrollIntoView(from, { y: 'center' }) });
    editor.focus();
  };
  return (
    <div className="code-editor" data-language={language}>
      <div
        className="code-editor-host"
        ref={host}
        style={{ ['--cm-min' as string]: `${minHeight}px`, ['--cm-max' as string]: `${maxHeight}px` }}
      />
      {problems.length ? (
        <ul className="code-editor-problems" aria-label={`Problems in ${label}`} data-testid="editor-problems">
          {problems.map((p, i) => (
            <li key={i}>
              <button type="button" className="link" onClick={() => jump(p.from)}>
                Line {p.line}, column {p.column}
              </button>
              : {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
