import { type ChildProcess, spawn } from 'node:child_process';

// GPUs through nvidia-smi, the tool every NVIDIA driver installs: one long-lived `nvidia-smi -lms` prints a line
// per GPU each interval (starting nvidia-smi every few seconds would cost ~50 ms of CPU each time, over the 1% budget).

const QUERY = 'index,utilization.gpu,memory.used,memory.total';

/** The latest reading per GPU index, as MLflow names them (gpu_<i>_...); MiB from nvidia-smi become MB (1e6 bytes). */
export function parseNvidiaSmiLine(line: string): { index: number; values: Record<string, number> } | null {
  const parts = line.split(',').map((p) => Number(p.trim()));
  if (parts.length < 4 || parts.some((p) => !Number.isFinite(p))) return null;
  const [index, utilization, usedMib, totalMib] = parts as [number, number, number, number];
  const usedMb = (usedMib * 1024 * 1024) / 1e6;
  return {
    index,
    values: {
      [`gpu_${index}_utilization_percentage`]: utilization,
      [`gpu_${index}_memory_usage_megabytes`]: usedMb,
      [`gpu_${index}_memory_usage_percentage`]: totalMib > 0 ? (usedMib / totalMib) * 100 : 0,
    },
  };
}

export class GpuSampler {
  private child: ChildProcess | null = null;
  private readonly latest = new Map<number, Record<string, number>>();

  /** gpus: the indices the run was given (null: every GPU the driver lists). */
  constructor(
    intervalMs: number,
    private readonly gpus: number[] | null,
  ) {
    try {
      this.child = spawn(
        'nvidia-smi',
        [`--query-gpu=${QUERY}`, '--format=csv,noheader,nounits', `--loop-ms=${intervalMs}`],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
    } catch {
      this.child = null;
      return;
    }
    // No nvidia-smi (no NVIDIA driver): no GPU metrics, and nothing else changes.
    this.child.on('error', () => (this.child = null));
    let buffer = '';
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const reading = parseNvidiaSmiLine(line);
        if (reading && (!this.gpus || this.gpus.includes(reading.index)))
          this.latest.set(reading.index, reading.values);
      }
    });
    // Should the supervisor die without stop(), nvidia-smi's next write to the closed pipe ends it (SIGPIPE).
    this.child.unref();
  }

  /** The newest values of every GPU (taken once: a value is logged for the interval it was read in). */
  take(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const values of this.latest.values()) Object.assign(out, values);
    this.latest.clear();
    return out;
  }

  stop(): void {
    this.child?.kill();
    this.child = null;
  }
}
