import path from 'node:path';
import type { Command } from 'commander';
import type { BundlePartRef, BundleSummary } from '../../../shared/api/bundleTypes';
import type { Job } from '../../../shared/api/types';
import { BenchtopError } from '../../../shared/errors';
import type { CliContext } from '../context';
import { followJob } from '../jobProgress';
import { printJson, table } from '../output';
import type { Action } from '../program';

const KINDS: Record<string, BundlePartRef['kind']> = {
  env: 'environment',
  environment: 'environment',
  model: 'model',
  run: 'run',
  service: 'service',
};

/** `benchtop export [env NAME[:VER]]... [model NAME[:VER]]... [run ID]... [service NAME]... -o FILE.btb` */
export function registerExportCommand(program: Command, action: Action): void {
  program
    .command('export')
    .description(
      'Write environments (definition, lock, private wheels, optionally the built image), models, runs (with ' +
        'their child runs and environment) and services (with their models) into one .btb bundle file.',
    )
    .argument('<parts...>', 'pairs: env NAME[:VER] | model NAME[:VER] | run ID | service NAME')
    .requiredOption('-o, --output <file>', 'the .btb file to write')
    .option('--images', "also carry environments' built Docker images (docker save)")
    .option('--overwrite', 'replace the output file if it exists')
    .action(
      action(async (ctx, words: string[], options: { output: string; images?: boolean; overwrite?: boolean }) => {
        const parts = parseParts(words);
        const summary = await withBundleProgress(ctx, 'export', (requestId) =>
          ctx.client.bundles.export({
            parts,
            output: path.resolve(options.output),
            includeImages: options.images ?? false,
            overwrite: options.overwrite ?? false,
            requestId,
          }),
        );
        if (ctx.json) return printJson(summary);
        printBundle(summary, `Wrote ${summary.file}`);
      }),
    );
}

export function parseParts(words: string[]): BundlePartRef[] {
  const parts: BundlePartRef[] = [];
  for (let i = 0; i < words.length; i += 2) {
    const kind = KINDS[words[i] ?? ''];
    const value = words[i + 1];
    if (!kind || !value)
      throw new BenchtopError(
        'BAD_INPUT',
        kind ? `"${words[i]}" needs a name after it.` : `"${words[i]}" is not a kind of part.`,
        'Write pairs: env NAME[:VER], model NAME[:VER], run ID, service NAME (e.g. `export env my-env:2 run 1a2b -o x.btb`).',
      );
    if (kind === 'run') parts.push({ kind, runId: value });
    else if (kind === 'service') parts.push({ kind, name: value });
    else {
      const match = /^(.+?)(?::(\d+))?$/.exec(value) as RegExpExecArray;
      parts.push({ kind, name: match[1], ...(match[2] ? { version: match[2] } : {}) });
    }
  }
  return parts;
}

/**
 * Follows the bundle job: live "Checking 312.0 MB / 1.0 GB" progress on stderr (rewritten in place on a
 * terminal, a line every 2 s otherwise) and Ctrl-C cancels it (nothing half-written stays).
 */
export function withBundleProgress<T>(
  ctx: CliContext,
  noun: string,
  call: (requestId: string) => Promise<T>,
): Promise<T> {
  const describe = (job: Job): string | null =>
    job.step ? `${job.step}${job.progress === null ? '' : ` (${Math.round(job.progress * 100)}%)`}` : null;
  return followJob(ctx, noun, describe, 2000, call);
}

export function printBundle(summary: BundleSummary, title: string): void {
  console.log(`${title} (format ${summary.formatVersion}, ${summary.bytes} bytes, made ${summary.createdAt})`);
  console.log(
    table(
      ['KIND', 'NAME', 'VERSION', 'FILES', 'BYTES'],
      summary.parts.map((p) => [p.kind, p.runId || p.name, p.version, String(p.files), String(p.bytes)]),
    ),
  );
}
