import { create } from 'zustand';
import { type ApiError, BenchtopError } from '../../shared/errors';
import type { ScreenId } from '../routing/routes';

export type Screen = ScreenId;

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
  // An error replaces a success message still showing (one message at a time, the newest).
  showError: (err) => set({ error: asApiError(err), notice: null }),
  clearError: () => set({ error: null }),
  // A success answers the last action: an error banner from an earlier attempt is over, so it goes.
  notify: (text) => {
    set({ notice: text, error: null });
    setTimeout(() => set((s) => (s.notice === text ? { notice: null } : s)), 4000);
  },
}));
