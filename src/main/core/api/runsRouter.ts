import fs from 'node:fs';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';
import type { RunMetrics } from '../../../shared/api/runEvents';
import type { Router } from './router';
import { stripAnsi } from '../../../shared/ansi';

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.gif': 'image/gif',
  '.txt': 'text/plain',
  '.json': 'application/json',
  '.csv': 'text/csv',
};
const MAX_FILE_BYTES = 20 * 1024 * 1024;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string, rel: string) => {
    if (!fs.existsSync(current)) return;
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(current, entry.name), child);
      else if (entry.isFile()) out.push(child);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** JSON has no NaN or infinities: they cross as strings. */
function transportable(metrics: RunMetrics): RunMetrics {
  for (const points of Object.values(metrics.scalars)) {
    for (const point of points)
      if (typeof point.value === 'number' && !Number.isFinite(point.value)) point.value = String(point.value);
  }
  return metrics;
}

/** A path inside the run's folder (snapshot/, outputs/, logs/, files/), never outside it. */
function runFile(runDir: string, rel: string): string {
  const target = path.resolve(runDir, rel);
  const allowed = ['snapshot', 'outputs', 'logs', 'files'].some((top) =>
    target.startsWith(path.join(runDir, top) + path.sep),
  );
  if (!allowed || !fs.existsSync(target) || !fs.statSync(target).isFile()) {
    throw new BenchtopError('NOT_FOUND', `No file "${rel}" in this run.`, "Pick a file from the run's Files tab.");
  }
  return target;
}

export const runsRouter: Router<
  | 'runs.submit'
  | 'runs.rerun'
  | 'runs.list'
  | 'runs.experiments'
  | 'runs.get'
  | 'runs.metrics'
  | 'runs.watchMetrics'
  | 'runs.cancel'
  | 'runs.attach'
  | 'runs.detach'
  | 'runs.ack'
  | 'runs.input'
  | 'runs.resize'
  | 'runs.log'
  | 'runs.files'
  | 'runs.file'
  | 'runs.download'
> = {
  'runs.submit': (input, _ctx, core) => core.runs.submit(input),
  'runs.rerun': (input, _ctx, core) => {
    const run = core.runs.get(input.runId);
    return core.runs.submit({
      sourceDirectory: path.join(core.paths.runDir(run.id), 'snapshot'),
      script: run.script,
      arguments: input.arguments ?? run.arguments,
      environment: input.environment ?? run.environment,
      experiment: input.experiment ?? run.experiment,
      target: input.target ?? (run.target === 'docker' ? 'docker' : 'local'),
    });
  },
  'runs.list': (input, _ctx, core) => core.runs.list(input),
  'runs.experiments': (_input, _ctx, core) => core.runs.store.experiments(),
  'runs.get': (input, _ctx, core) => core.runs.get(input.runId),
  'runs.metrics': (input, _ctx, core) => transportable(core.runs.metrics(input.runId)),
  'runs.watchMetrics': (input, _ctx, core) => {
    core.runs.watchMetrics(input.runId, input.on);
    return {};
  },
  'runs.cancel': (input, _ctx, core) => core.runs.cancel(input.runId),
  'runs.attach': async (input, ctx, core) => {
    const attached = await core.runs.attach(input.runId, ctx.viewerFor('run', input.runId));
    return { run: core.runs.get(input.runId), ...attached };
  },
  'runs.detach': (input, ctx, core) => {
    core.runs.detach(input.runId, ctx.connectionId);
    return {};
  },
  'runs.ack': (input, ctx, core) => {
    core.runs.ack(input.runId, ctx.connectionId, input.chars);
    return {};
  },
  'runs.input': (input, _ctx, core) => {
    core.runs.input(input.runId, input.data);
    return {};
  },
  'runs.resize': (input, _ctx, core) => {
    core.runs.resize(input.runId, input.cols, input.rows);
    return {};
  },
  'runs.log': (input, _ctx, core) => {
    const text = core.runs.log(input.runId);
    const needle = input.search?.toLowerCase();
    const plain = stripAnsi(text);
    const matches = needle
      ? plain
          .split(/\r?\n/)
          .flatMap((line, i) =>
            line.toLowerCase().includes(needle) ? [{ line: i + 1, text: line.slice(0, 500) }] : [],
          )
          .slice(0, 1000)
      : [];
    return { text, matches };
  },
  'runs.files': (input, _ctx, core) => {
    core.runs.get(input.runId);
    const dir = core.paths.runDir(input.runId);
    return {
      snapshot: listFiles(path.join(dir, 'snapshot')),
      outputs: listFiles(path.join(dir, 'outputs')),
      logs: listFiles(path.join(dir, 'logs')),
      uploads: listFiles(path.join(dir, 'files', 'uploads')),
    };
  },
  'runs.file': (input, _ctx, core) => {
    core.runs.get(input.runId);
    const file = runFile(core.paths.runDir(input.runId), input.path);
    const size = fs.statSync(file).size;
    if (size > MAX_FILE_BYTES)
      throw new BenchtopError(
        'BAD_INPUT',
        `${input.path} is ${Math.round(size / 1024 / 1024)} MB, too large to open here.`,
        "Use Download to copy the run's files to a folder.",
      );
    return {
      base64: fs.readFileSync(file).toString('base64'),
      mime: MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      size,
    };
  },
  'runs.download': (input, _ctx, core) => {
    core.runs.get(input.runId);
    const dir = core.paths.runDir(input.runId);
    const target = path.resolve(input.directory);
    let files = 0;
    for (const part of ['outputs', 'logs', 'files']) {
      const from = path.join(dir, part);
      if (!fs.existsSync(from)) continue;
      fs.cpSync(from, path.join(target, part), { recursive: true });
      files += listFiles(from).length;
    }
    const log = path.join(dir, 'output.log');
    if (fs.existsSync(log)) {
      fs.mkdirSync(target, { recursive: true });
      fs.copyFileSync(log, path.join(target, 'output.log'));
      files += 1;
    }
    return { directory: target, files };
  },
};
