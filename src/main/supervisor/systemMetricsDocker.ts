import type Docker from 'dockerode';

// A container's CPU and memory from the engine's own stats stream (dockerode's container.stats): the same numbers
// `docker stats` shows, and they work on a remote engine, where this machine's /proc cannot see the container.

interface EngineStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
}

/**
 * MLflow's names from one stats record. CPU % is of one core, as docker stats shows it and as for process runs: the
 * container's share of the machine's CPU time, times the engine's core count.
 * Memory is the container's use less its reclaimable page cache, as docker stats counts it.
 */
export function valuesFromEngineStats(stats: EngineStats): Record<string, number> {
  const values: Record<string, number> = {};
  const cpu = (stats.cpu_stats?.cpu_usage?.total_usage ?? 0) - (stats.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const system = (stats.cpu_stats?.system_cpu_usage ?? 0) - (stats.precpu_stats?.system_cpu_usage ?? 0);
  const cores = stats.cpu_stats?.online_cpus ?? 1;
  if (system > 0 && cpu >= 0 && stats.precpu_stats?.system_cpu_usage)
    values.cpu_utilization_percentage = (cpu / system) * cores * 100;
  const memory = stats.memory_stats;
  if (memory?.usage !== undefined) {
    // cgroup v2 names it inactive_file, v1 total_inactive_file.
    const cache = memory.stats?.inactive_file ?? memory.stats?.total_inactive_file ?? 0;
    const used = Math.max(0, memory.usage - (cache < memory.usage ? cache : 0));
    values.system_memory_usage_megabytes = used / 1e6;
    if (memory.limit) values.system_memory_usage_percentage = (used / memory.limit) * 100;
  }
  return values;
}

/** Follows a run's container's stats stream (about one record a second) and keeps the newest. */
export class ContainerStatsSampler {
  private latest: Record<string, number> | null = null;
  private stream: NodeJS.ReadableStream | null = null;
  private stopped = false;

  constructor(docker: Docker, runId: string) {
    void this.follow(docker, runId).catch(() => undefined);
  }

  private async follow(docker: Docker, runId: string): Promise<void> {
    // Found by the run label containerRun.ts puts on it (its name is derived from the id the same way, but the label
    // is the contract).
    const [found] = await docker.listContainers({ all: true, filters: { label: [`benchtop.run=${runId}`] } });
    if (!found || this.stopped) return;
    const stream = (await docker.getContainer(found.Id).stats({ stream: true })) as NodeJS.ReadableStream;
    if (this.stopped) return void (stream as unknown as { destroy?: () => void }).destroy?.();
    this.stream = stream;
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      const last = lines.filter((l) => l.trim()).pop();
      if (!last) return;
      try {
        this.latest = valuesFromEngineStats(JSON.parse(last) as EngineStats);
      } catch {
        // A record cut by the engine ending the stream: the next one counts.
      }
    });
    stream.on('error', () => undefined);
  }

  take(): Record<string, number> | null {
    const values = this.latest;
    this.latest = null;
    return values;
  }

  stop(): void {
    this.stopped = true;
    (this.stream as unknown as { destroy?: () => void } | null)?.destroy?.();
    this.stream = null;
  }
}
