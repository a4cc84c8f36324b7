import { describe, expect, it } from 'vitest';
import { EngineHealth } from '../../src/main/queue/engineHealth';
import type { Db } from '../../src/main/core/workspace/database';

/** A ping whose answers the test gives, counting the calls (the owner's real one goes to the engine). */
function fakePing() {
  const calls: string[] = [];
  const pending: { url: string; settle: (err?: Error) => void }[] = [];
  const ping = (_db: Db, url: string) =>
    new Promise<void>((resolve, reject) => {
      calls.push(url);
      pending.push({ url, settle: (err) => (err ? reject(err) : resolve()) });
    });
  return { calls, pending, ping };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('EngineHealth', () => {
  it('pings each engine at most once per 10 s, counts one not heard from as unusable, and reports changes', async () => {
    const fake = fakePing();
    let changes = 0;
    const health = new EngineHealth({} as Db, () => changes++, fake.ping);
    const urls = ['tcp://a:2375', 'tcp://b:2375'];
    expect(health.unusable(urls, 1000)).toEqual({
      'tcp://a:2375': 'not answered yet',
      'tcp://b:2375': 'not answered yet',
    });
    // Schedule passes while the pings are out send no more.
    health.unusable(urls, 1020);
    expect(fake.calls).toEqual(urls);
    fake.pending[0]!.settle();
    fake.pending[1]!.settle(new Error('connect ECONNREFUSED'));
    await flush();
    expect(changes).toBe(2);
    const checked = Date.now();
    expect(health.unusable(urls, checked + 5000)).toEqual({ 'tcp://b:2375': 'connect ECONNREFUSED' });
    expect(fake.calls).toHaveLength(2);
    // Stale after 10 s: pinged again, the last answer stands meanwhile; b coming back is a change.
    expect(health.unusable(urls, checked + 10_000)).toEqual({ 'tcp://b:2375': 'connect ECONNREFUSED' });
    expect(fake.calls).toHaveLength(4);
    fake.pending[2]!.settle();
    fake.pending[3]!.settle();
    await flush();
    expect(changes).toBe(3);
    expect(health.unusable(urls, Date.now())).toEqual({});
  });
});
