import { create } from 'zustand';

/*
 * Light / dark: "system" follows prefers-color-scheme (pure CSS, styles.css); "light"/"dark" set data-theme on <html>,
 * which overrides it. The choice is per user interface, not per workspace, so it lives in localStorage (works from
 * Electron's file:// and from `serve`), and is applied before the first paint by applyStoredTheme() in main.tsx.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'benchtop.theme';

function readChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system'; // storage blocked: follow the OS
  }
}

function apply(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', choice);
}

export function applyStoredTheme(): void {
  apply(readChoice());
}

export const useTheme = create<{ choice: ThemeChoice; setChoice(choice: ThemeChoice): void }>((set) => ({
  choice: readChoice(),
  setChoice: (choice) => {
    try {
      if (choice === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, choice);
    } catch {
      // not remembered, but still applied for this window
    }
    apply(choice);
    set({ choice });
  },
}));
