import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HIGH_WATERMARK, LiveOutput } from '../../src/main/core/pty/liveOutput';
import { spawnInPty } from '../../src/main/core/pty/spawnInPty';
import { processAlive } from '../../src/main/core/builds/buildLock';
import { python, tempDir } from '../helpers/workspace';

function readStatus(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}

const run = (code: string, output: LiveOutput, signal = new AbortController().signal) =>
  spawnInPty({ file: python(), args: ['-c', code], cwd: tempDir('bt-pty-'), env: process.env }, output, signal);

describe('real pty', () => {
  it('keeps colours and multi-byte text intact and returns the exit code', async () => {
    const output = new LiveOutput(null);
    const code = await run("import sys\nprint('\\x1b[31mred\\x1b[0m ✓ 日本 🚀', flush=True)\nsys.exit(3)", output);
    expect(code).toBe(3);
    expect(output.text()).toContain('\x1b[31mred\x1b[0m ✓ 日本 🚀');
    expect(output.text()).not.toContain('\uFFFD');
  });

  it('is a terminal to the program (isatty), so tools show progress bars', async () => {
    const output = new LiveOutput(null);
    await run('import sys; print(sys.stdout.isatty())', output);
    expect(output.text()).toContain('True');
  });

  it('cancel stops the whole process group, children included', async () => {
    const output = new LiveOutput(null);
    const controller = new AbortController();
    const code = [
      'import subprocess, sys, time',
      "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])",
      "print('child', child.pid, flush=True)",
      'time.sleep(60)',
    ].join('\n');
    const done = run(code, output, controller.signal);
    let childPid = 0;
    for (let i = 0; i < 100 && !childPid; i++) {
      await new Promise((r) => setTimeout(r, 100));
      childPid = Number(/child (\d+)/.exec(output.text())?.[1] ?? 0);
    }
    expect(childPid).toBeGreaterThan(0);
    controller.abort();
    await expect(done).rejects.toThrow(/Canceled/);
    // A zombie waiting for a reaper counts as gone: it runs nothing.
    const running = () => processAlive(childPid) && !/^State:\s+Z/m.test(readStatus(childPid));
    for (let i = 0; i < 30 && running(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(running()).toBe(false);
  });

  it('flow control pauses a fast producer while the viewer lags, and loses nothing', async () => {
    const output = new LiveOutput(null);
    let received = 0;
    const all: string[] = [];
    output.attach({ id: 'slow', acknowledges: true, write: (d) => (received += d.length) });
    output.attach({ id: 'collector', acknowledges: false, write: (d) => all.push(d) });
    const done = run(
      "import sys\nfor i in range(20000): sys.stdout.write('%08d' % i + 'x' * 72 + '\\n')\nsys.stdout.flush()",
      output,
    );
    // Without acks the producer must stall near the high watermark.
    await new Promise((r) => setTimeout(r, 1500));
    expect(output.isPaused).toBe(true);
    const stalledAt = received;
    expect(stalledAt).toBeLessThan(HIGH_WATERMARK * 3);
    // Acknowledge as we go: the rest flows.
    const acker = setInterval(() => output.ack('slow', received), 5);
    const code = await done;
    clearInterval(acker);
    expect(code).toBe(0);
    output.close();
    const text = all.join('');
    expect(text).toContain('00019999');
    expect(text.split('\n').filter((l) => l.includes('x'.repeat(72)))).toHaveLength(20000);
  });
});
