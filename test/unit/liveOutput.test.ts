import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HIGH_WATERMARK, LiveOutput } from '../../src/main/core/pty/liveOutput';

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe('LiveOutput', () => {
  it('decodes UTF-8 split across chunks without replacement characters', async () => {
    const out = new LiveOutput(null);
    const seen: string[] = [];
    out.attach({ id: 'v', acknowledges: false, write: (d) => seen.push(d) });
    const bytes = Buffer.from('naïve ✓ 🚀 done');
    for (let i = 0; i < bytes.length; i++) out.push(bytes.subarray(i, i + 1));
    await tick();
    expect(seen.join('')).toBe('naïve ✓ 🚀 done');
    expect(seen.join('')).not.toContain('\uFFFD');
  });

  it('batches many small writes into few deliveries', async () => {
    const out = new LiveOutput(null);
    const seen: string[] = [];
    out.attach({ id: 'v', acknowledges: false, write: (d) => seen.push(d) });
    for (let i = 0; i < 500; i++) out.push(`line ${i}\n`);
    await tick();
    expect(seen.length).toBeLessThan(5);
    expect(seen.join('').split('\n')).toHaveLength(501);
  });

  it('pauses the producer while a viewer has too much unacknowledged, resumes after acks', () => {
    const out = new LiveOutput(null);
    const calls: string[] = [];
    out.setProducer({ pause: () => calls.push('pause'), resume: () => calls.push('resume') });
    out.attach({ id: 'slow', acknowledges: true, write: () => undefined });
    out.push('x'.repeat(HIGH_WATERMARK + 10));
    out.flush();
    expect(out.isPaused).toBe(true);
    expect(calls).toEqual(['pause']);
    out.ack('slow', HIGH_WATERMARK);
    expect(out.isPaused).toBe(false);
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('never waits for viewers that do not acknowledge, and resumes when a slow viewer leaves', () => {
    const out = new LiveOutput(null);
    out.attach({ id: 'cli', acknowledges: false, write: () => undefined });
    out.push('y'.repeat(HIGH_WATERMARK * 2));
    out.flush();
    expect(out.isPaused).toBe(false);
    out.attach({ id: 'slow', acknowledges: true, write: () => undefined });
    out.push('z'.repeat(HIGH_WATERMARK * 2));
    out.flush();
    expect(out.isPaused).toBe(true);
    out.detach('slow');
    expect(out.isPaused).toBe(false);
  });

  it('replays what was printed to a late viewer, bounded, and keeps the whole log on disk', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bt-live-')), 'job.log');
    const out = new LiveOutput(file);
    const chunk = 'a'.repeat(100_000);
    for (let i = 0; i < 15; i++) {
      out.push(chunk);
      out.flush();
    }
    const { replay, truncated } = out.attach({ id: 'late', acknowledges: false, write: () => undefined });
    out.close();
    expect(truncated).toBe(true);
    expect(replay.length).toBeLessThanOrEqual(1_000_000);
    expect(fs.statSync(file).size).toBe(1_500_000);
  });

  it('a full disk stops the log file but not the stream (/dev/full answers ENOSPC)', () => {
    const out = new LiveOutput('/dev/full');
    const seen: string[] = [];
    out.attach({ id: 'v', acknowledges: false, write: (d) => seen.push(d) });
    out.push('first\n');
    out.flush();
    out.push('second\n');
    out.flush();
    out.close();
    expect(out.logError).toMatch(/ENOSPC/);
    expect(seen.join('')).toContain('first');
    expect(seen.join('')).toContain('second');
    expect(seen.join('')).toContain('log file could not be written');
  });
});
