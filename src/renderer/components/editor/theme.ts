import { EditorView } from '@codemirror/view';

/** Editor colours from the app's theme variables (light and dark follow the app); sizes from CSS variables. */
export const editorTheme = EditorView.theme({
  '&': {
    backgroundColor: 'var(--code-bg, #f6f8fa)',
    color: 'var(--fg, #1f2328)',
    border: '1px solid var(--border, #d0d7de)',
    borderRadius: '6px',
    fontSize: '13px',
  },
  '&.cm-focused': { outline: '2px solid var(--accent, #4c8bf5)', outlineOffset: '-1px' },
  '.cm-scroller': {
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    minHeight: 'var(--cm-min, 120px)',
    maxHeight: 'var(--cm-max, 560px)',
  },
  '.cm-gutters': {
    backgroundColor: 'var(--panel, #f0f2f5)',
    color: 'var(--muted, #6e7781)',
    borderRight: '1px solid var(--border, #d0d7de)',
  },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent, #4c8bf5) 7%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent, #4c8bf5) 12%, transparent)' },
  '.cm-content': { caretColor: 'var(--fg, #1f2328)' },
});
