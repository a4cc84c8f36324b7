import { describe, expect, it } from 'vitest';
import { valuesFromEngineStats } from '../../src/main/supervisor/systemMetricsDocker';
import { parseNvidiaSmiLine } from '../../src/main/supervisor/systemMetricsGpu';

describe('system metric parsers', () => {
  it('reads a line of nvidia-smi --query-gpu csv (nounits) as MLflow names, MiB as MB', () => {
    expect(parseNvidiaSmiLine('1, 87, 40960, 81920')).toEqual({
      index: 1,
      values: {
        gpu_1_utilization_percentage: 87,
        gpu_1_memory_usage_megabytes: (40960 * 1024 * 1024) / 1e6,
        gpu_1_memory_usage_percentage: 50,
      },
    });
    // A GPU that reports [N/A] (some MIG slices) gives no reading rather than NaN metrics.
    expect(parseNvidiaSmiLine('0, [N/A], 1024, 2048')).toBeNull();
  });

  it("computes CPU % of one core (as docker stats) and memory less page cache from the engine's stats", () => {
    const values = valuesFromEngineStats({
      cpu_stats: { cpu_usage: { total_usage: 3_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 4 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 16_000_000_000 },
      memory_stats: { usage: 300_000_000, limit: 1_000_000_000, stats: { inactive_file: 100_000_000 } },
    });
    expect(values).toEqual({
      cpu_utilization_percentage: 200,
      system_memory_usage_megabytes: 200,
      system_memory_usage_percentage: 20,
    });
    // The first record has no previous CPU reading: no CPU value rather than a made-up one.
    expect(valuesFromEngineStats({ cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 9 } })).toEqual({});
  });
});
