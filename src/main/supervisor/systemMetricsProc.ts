import fs from 'node:fs';
import os from 'node:os';

// A run's process tree, read from /proc: thin glue over the kernel's own counters. pidusage measures one pid (not
// a tree) and spawns `ps` on some systems; the tree needs every process's parent, which /proc/<pid>/stat gives in the
// same read as its CPU times and resident size, so one pass over /proc answers everything (~1-3 ms per sample).

/** Linux reports CPU times in clock ticks of USER_HZ, which is 100 on every architecture Node supports. */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime: the process's CPU and that of the children it has reaped. */
  ticks: number;
  rssBytes: number;
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses, so cut at the last ')'). */
function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null; // Ended between the listing and the read.
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state) of proc(5): ppid is field 4, utime..cstime 14..17, rss 24.
  const num = (field: number) => Number(fields[field - 3]);
  return {
    pid,
    ppid: num(4),
    ticks: num(14) + num(15) + num(16) + num(17),
    rssBytes: num(24) * PAGE_BYTES,
  };
}

/** The tree under rootPid (itself included): CPU seconds so far and resident memory now. */
export function readProcessTree(rootPid: number): { cpuSeconds: number; rssBytes: number; processes: number } | null {
  const all: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = readStat(pid);
    if (stat) all.push(stat);
  }
  const children = new Map<number, ProcStat[]>();
  let root: ProcStat | undefined;
  for (const stat of all) {
    if (stat.pid === rootPid) root = stat;
    const list = children.get(stat.ppid);
    if (list) list.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  if (!root) return null;
  let ticks = 0;
  let rssBytes = 0;
  let processes = 0;
  const stack = [root];
  while (stack.length > 0) {
    const stat = stack.pop() as ProcStat;
    ticks += stat.ticks;
    rssBytes += stat.rssBytes;
    processes++;
    for (const child of children.get(stat.pid) ?? []) stack.push(child);
  }
  return { cpuSeconds: ticks / TICKS_PER_SECOND, rssBytes, processes };
}

/**
 * CPU % and memory of a process tree between calls. CPU % is of one core, as top, docker stats and psutil's
 * Process.cpu_percent count a process (200: two cores busy); MLflow's own monitor logs the whole machine's use under
 * the same name, but a run's own use is what tells runs apart when several share the machine. Memory is the tree's
 * resident set.
 */
export class ProcessTreeSampler {
  private last: { at: number; cpuSeconds: number } | null = null;
  private readonly totalBytes = os.totalmem();

  constructor(private readonly rootPid: number) {}

  sample(): Record<string, number> | null {
    if (process.platform !== 'linux') return null;
    const tree = readProcessTree(this.rootPid);
    if (!tree) return null;
    const at = performance.now();
    const previous = this.last;
    this.last = { at, cpuSeconds: tree.cpuSeconds };
    const values: Record<string, number> = {
      system_memory_usage_megabytes: tree.rssBytes / 1e6,
      system_memory_usage_percentage: (tree.rssBytes / this.totalBytes) * 100,
    };
    if (previous && at > previous.at) {
      const busy = Math.max(0, tree.cpuSeconds - previous.cpuSeconds);
      values.cpu_utilization_percentage = (busy / ((at - previous.at) / 1000)) * 100;
    }
    return values;
  }
}
