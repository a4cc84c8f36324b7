import { useUi } from './ui';

/**
 * Runs `load` after events, at most one at a time: a burst of events within `delayMs` becomes one load, and an
 * event that comes while a load is in flight makes one more load after it (so the last answer is never older
 * than the last event). A reconnect of the transport also reloads: events sent while it was down are gone.
 */
export function liveLoader(load: () => Promise<void>, delayMs = 60): { trigger(): void; stop(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight = false;
  let again = false;
  let stopped = false;
  const runNow = async () => {
    timer = null;
    if (stopped) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      await load();
    } finally {
      inFlight = false;
      if (again && !stopped) {
        again = false;
        void runNow();
      }
    }
  };
  const trigger = () => {
    if (!stopped && timer === null) timer = setTimeout(() => void runNow(), delayMs);
  };
  const offReconnect = useUi.subscribe((s, prev) => {
    if (s.connected && !prev.connected) trigger();
  });
  return {
    trigger,
    stop: () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      offReconnect();
    },
  };
}
