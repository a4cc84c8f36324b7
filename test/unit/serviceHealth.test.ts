import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServiceRecord } from '../../src/shared/api/serviceTypes';
import type { ProbeAnswer } from '../../src/main/core/services/serviceProcess';
import { liveHealth } from '../../src/main/core/services/serviceHealth';

const service = {
  name: 'iris-svc',
  state: 'running',
  port: 6789,
  pid: 4242,
  target: 'local',
} as ServiceRecord;

function statusFile(content: object | null): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bt-health-')), 'status.json');
  if (content) fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

const answers = (answer: ProbeAnswer) => () => Promise.resolve(answer);

describe("a running service's live state (status file + GET /)", () => {
  it('is healthy (null) when the server says running and GET / answers 200', async () => {
    const file = statusFile({ state: 'running', pid: 4242, error: null, t: 1 });
    expect(await liveHealth(service, file, answers({ status: 200 }))).toBeNull();
  });

  it("takes degraded and failed, with the reason, from the server's status", async () => {
    const reason = '1 of 2 workers serving: worker 7 was killed by signal 9 (SIGKILL); restarting in 0.1 s.';
    const degraded = await liveHealth(
      service,
      statusFile({ state: 'degraded', pid: 4242, error: reason, t: 1 }),
      answers({ status: 200 }),
    );
    expect(degraded).toEqual({ state: 'degraded', error: `${reason} See why: benchtop service logs iris-svc` });
    const failed = await liveHealth(
      service,
      statusFile({ state: 'failed', pid: 4242, error: 'No worker is serving: x.', t: 1 }),
      answers({ status: 200 }),
    );
    expect(failed?.state).toBe('failed');
    expect(failed?.error).toContain('No worker is serving: x.');
  });

  it('reads degraded when GET / does not answer in time, failed when nothing accepts connections', async () => {
    const file = statusFile({ state: 'running', pid: 4242, error: null, t: 1 });
    const hung = await liveHealth(service, file, answers({ failure: 'timeout', message: 'no answer' }));
    expect(hung?.state).toBe('degraded');
    expect(hung?.error).toMatch(
      /^The server process \(pid 4242\) runs, but GET \/ on port 6789 did not answer within 1 s/,
    );
    expect(hung?.error).toContain('benchtop service update iris-svc');
    const refused = await liveHealth(service, file, answers({ failure: 'refused', message: 'ECONNREFUSED' }));
    expect(refused?.state).toBe('failed');
    expect(refused?.error).toContain('nothing accepts connections on port 6789');
    const answered = await liveHealth(service, file, answers({ status: 503 }));
    expect(answered).toMatchObject({ state: 'degraded', error: expect.stringContaining('answered 503') });
  });

  it("ignores a status file written by another process (a previous server's)", async () => {
    const file = statusFile({ state: 'failed', pid: 1, error: 'old news', t: 1 });
    expect(await liveHealth(service, file, answers({ status: 200 }))).toBeNull();
    expect(await liveHealth(service, statusFile(null), answers({ status: 200 }))).toBeNull();
  });
});
