import type { Command } from 'commander';
import type { Settings } from '../../../shared/api/types';
import type { QueueState } from '../../../shared/api/sweepTypes';
import { BenchtopError } from '../../../shared/errors';
import { printJson, table } from '../output';
import type { Action } from '../program';

/** `benchtop queue [list] | priority RUN_ID N | settings`: the run queue of this workspace. */
export function registerQueueCommands(program: Command, action: Action): void {
  const queue = program
    .command('queue')
    .description('The run queue: CPU slots, GPUs and pool engines; running and queued runs, and why each waits');

  queue
    .command('list', { isDefault: true })
    .description(
      'Capacity, then the running and queued runs in start order (position, priority, cpus/gpus, why waiting)',
    )
    .action(
      action(async (ctx) => {
        const state = await ctx.client.queue.list({});
        if (ctx.json) return printJson(state);
        console.log(queueText(state));
      }),
    );

  queue
    .command('priority')
    .description('Move a queued run: higher priority starts first (equal ones in submit order)')
    .argument('<run-id>')
    .argument('<priority>', 'a whole number from -1000 to 1000')
    .action(
      action(async (ctx, runId: string, priority: string) => {
        if (!/^-?\d+$/.test(priority.trim()))
          throw new BenchtopError(
            'BAD_INPUT',
            `The priority must be a whole number; got "${priority}".`,
            'E.g. benchtop queue priority RUN_ID 5 (higher starts first; the default is 0).',
          );
        const entry = await ctx.client.queue.setPriority({ runId, priority: Number(priority) });
        if (ctx.json) return printJson(entry);
        console.log(`${entry.runId}: priority ${entry.priority}, position ${entry.position ?? '-'} in the queue.`);
      }),
    );

  queue
    .command('settings')
    .description("Show or set the queue's limits for this workspace")
    .option('--cpus <n|auto>', "CPU slots (auto: this machine's cores)")
    .option('--max-concurrent <n|none>', 'at most this many runs at once (none: only the slots limit)')
    .option('--default-gpus <n|auto>', 'GPUs a run gets when it does not say (auto: 1 on a GPU machine, else 0)')
    .action(
      action(async (ctx, opts: { cpus?: string; maxConcurrent?: string; defaultGpus?: string }) => {
        const patch: Partial<Settings> = {};
        if (opts.cpus !== undefined) patch.queueCpus = countOrNull(opts.cpus, 'auto', '--cpus', 1);
        if (opts.maxConcurrent !== undefined)
          patch.queueMaxConcurrentRuns = countOrNull(opts.maxConcurrent, 'none', '--max-concurrent', 1);
        if (opts.defaultGpus !== undefined)
          patch.queueDefaultGpus = countOrNull(opts.defaultGpus, 'auto', '--default-gpus', 0);
        const settings =
          Object.keys(patch).length > 0
            ? await ctx.client.settings.update(patch)
            : (await ctx.client.app.info({})).settings;
        const shown = {
          queueCpus: settings.queueCpus,
          queueMaxConcurrentRuns: settings.queueMaxConcurrentRuns,
          queueDefaultGpus: settings.queueDefaultGpus,
        };
        if (ctx.json) return printJson(shown);
        console.log(
          [
            `CPU slots:        ${settings.queueCpus ?? "auto (this machine's cores)"}`,
            `Max concurrent:   ${settings.queueMaxConcurrentRuns ?? 'none (the slots decide)'}`,
            `Default GPUs:     ${settings.queueDefaultGpus ?? 'auto (1 on a GPU machine, else 0)'}`,
          ].join('\n'),
        );
      }),
    );
}

function countOrNull(value: string, word: string, flag: string, min: number): number | null {
  if (value.trim().toLowerCase() === word) return null;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min)
    throw new BenchtopError(
      'BAD_INPUT',
      `${flag} takes a whole number${min > 0 ? ` from ${min}` : ''} or "${word}"; got "${value}".`,
      `E.g. ${flag} 4, or ${flag} ${word}.`,
    );
  return Number(value);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The capacity line, then one row per run: running ones first, then the queue in start order. */
export function queueText(state: QueueState): string {
  const { capacity } = state;
  const running = state.entries.filter((e) => e.position === null);
  const usedCpus = running.filter((e) => !e.engine).reduce((n, e) => n + e.cpus, 0);
  const usedGpus = running.reduce((n, e) => n + e.assignedGpus.length, 0);
  const parts = [
    `${usedCpus} of ${plural(capacity.cpus, 'CPU slot')} in use`,
    capacity.gpus.length > 0 ? `${usedGpus} of ${plural(capacity.gpus.length, 'GPU')} in use` : 'no GPUs',
    ...(capacity.maxConcurrentRuns !== null ? [`at most ${plural(capacity.maxConcurrentRuns, 'run')} at once`] : []),
    ...capacity.engines.map((e) => `${e.url}: ${e.used}/${e.slots} slots`),
  ];
  const owner = state.owner.alive ? `queue owner pid ${state.owner.pid}` : 'queue owner not running';
  const lines = [`Capacity: ${parts.join(', ')} (${owner})`];
  if (state.entries.length === 0) return [...lines, 'Nothing running or queued.'].join('\n');
  const rows = state.entries.map((e) => [
    e.position === null ? 'running' : String(e.position),
    e.runId,
    e.status,
    String(e.priority),
    `${e.cpus}/${e.gpus}`,
    e.assignedGpus.length ? e.assignedGpus.join(',') : '-',
    e.engine ?? '-',
    e.waiting ?? (e.position === null ? '' : 'starting'),
  ]);
  lines.push(table(['POS', 'RUN', 'STATUS', 'PRIORITY', 'CPUS/GPUS', 'GPU IDS', 'ENGINE', 'WAITING'], rows));
  return lines.join('\n');
}
