/**
 * Calls `tick` now and every `intervalMs` in a long-lived process (the app, `serve`), for watchers that read SQLite
 * and emit events when what they read changes. An error (a closed database while the app quits, the CLI done) ends
 * nothing: that tick is skipped. The timer never keeps the process alive. Returns the stop function.
 */
export function pollEvery(intervalMs: number, tick: () => void): () => void {
  const safeTick = () => {
    try {
      tick();
    } catch {
      // A closed database: the next tick does not come (stop is called), or finds it open again.
    }
  };
  safeTick();
  const timer = setInterval(safeTick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
