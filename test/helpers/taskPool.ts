/** Runs `count` tasks, at most `width` at a time (the fuzzers' load: many requests, a bounded number in flight). */
export async function pool(count: number, width: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Counts one more of `key` (for a test's summary of what came back). */
export const tally = (counts: Record<string, number>, key: string) => void (counts[key] = (counts[key] ?? 0) + 1);
