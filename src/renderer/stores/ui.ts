import { create } from 'zustand';
import { type ApiError, BenchtopError } from '../../shared/errors';

export type Screen = 'environments' | 'runs' | 'models' | 'data' | 'services' | 'cache' | 'settings';

interface UiState {
  screen: Screen;
  connected: boolean;
  error: ApiError | null;
  notice: string | null;
  setScreen(screen: Screen): void;
  setConnected(connected: boolean): void;
  showError(err: unknown): void;
  clearError(): void;
  notify(text: string): void;
}

export function asApiError(err: unknown): ApiError {
  if (err instanceof BenchtopError) return err.toData();
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

export const useUi = create<UiState>((set) => ({
  screen: 'environments',
  connected: true,
  error: null,
  notice: null,
  setScreen: (screen) => set({ screen, error: null }),
  setConnected: (connected) => set({ connected }),
  showError: (err) => set({ error: asApiError(err) }),
  clearError: () => set({ error: null }),
  notify: (text) => {
    set({ notice: text });
    setTimeout(() => set((s) => (s.notice === text ? { notice: null } : s)), 4000);
  },
}));
