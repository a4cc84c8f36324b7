import { create } from 'zustand';

/*
 * Collapsible side panes (the experiments sidebar, the lists beside a detail): a thin toggle column between the
 * pane and the content, and the open/closed state remembered per pane in localStorage (per user interface, like
 * the theme), so a narrow window stays the way the user left it.
 */
const KEY = 'benchtop.collapsedPanes';

function read(): Record<string, boolean> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, boolean>) : {};
  } catch {
    return {};
  }
}

const usePanes = create<{ collapsed: Record<string, boolean>; toggle(id: string): void }>((set, get) => ({
  collapsed: read(),
  toggle: (id) => {
    const collapsed = { ...get().collapsed, [id]: !get().collapsed[id] };
    try {
      localStorage.setItem(KEY, JSON.stringify(collapsed));
    } catch {
      // not remembered; still toggled for this window
    }
    set({ collapsed });
  },
}));

/** Whether pane `id` is collapsed; add `paneClass(collapsed)` to the split container. */
export function usePaneCollapsed(id: string): boolean {
  return usePanes((s) => s.collapsed[id] === true);
}

export const paneClass = (collapsed: boolean) => (collapsed ? ' pane-collapsed' : '');

/** The toggle column; put it between the pane and the content. `label` names the pane ("experiments"). */
export function PaneToggle({ id, label }: { id: string; label: string }) {
  const collapsed = usePaneCollapsed(id);
  const toggle = usePanes((s) => s.toggle);
  return (
    <button
      type="button"
      className="pane-toggle"
      aria-expanded={!collapsed}
      aria-label={collapsed ? `Show ${label}` : `Hide ${label}`}
      title={collapsed ? `Show ${label}` : `Hide ${label}`}
      onClick={() => toggle(id)}
    >
      <span aria-hidden="true">{collapsed ? '›' : '‹'}</span>
    </button>
  );
}
