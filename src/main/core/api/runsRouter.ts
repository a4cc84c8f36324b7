import path from 'node:path';
import type { RunMetrics } from '../../../shared/api/runEvents';
import type { Router } from './router';
import { stripAnsi } from '../../../shared/ansi';
import { downloadRunFiles, listRunFiles, readRunFile } from '../runs/runFiles';
import { runTable } from '../runs/runTable';
import { toScalarColumns } from '../runs/metricsCache';

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

/** JSON has no NaN or infinities: they cross as strings. */
function transportable(metrics: RunMetrics): RunMetrics {
  for (const points of Object.values(metrics.scalars)) {
    // A new point, not a changed one: the points are shared with the core's metrics cache.
    points.forEach((point, i) => {
      if (typeof point.value === 'number' && !Number.isFinite(point.value))
        points[i] = { ...point, value: String(point.value) };
    });
  }
  return metrics;
}

export const runsRouter: Router<
  | 'runs.submit'
  | 'runs.rerun'
  | 'runs.list'
  | 'runs.table'
  | 'runs.experiments'
  | 'runs.get'
  | 'runs.metrics'
  | 'runs.metricColumns'
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
  | 'runs.create'
  | 'runs.update'
  | 'runs.finish'
  | 'runs.artifacts'
  | 'runs.downloadArtifact'
  | 'runs.downloadArtifacts'
> = {
  'runs.submit': (input, _ctx, core) => core.runs.submit(input),
  'runs.rerun': (input, _ctx, core) => core.runs.rerun(input),
  'runs.list': (input, _ctx, core) => core.runs.list(input),
  'runs.table': (input, _ctx, core) => runTable(core.db, input, { paths: core.paths }),
  'runs.experiments': (_input, _ctx, core) => core.runs.store.experiments(),
  'runs.get': (input, _ctx, core) => core.runs.get(input.runId),
  'runs.metrics': (input, _ctx, core) => transportable(core.runs.metrics(input.runId)),
  'runs.metricColumns': (input, _ctx, core) => toScalarColumns(core.runs.metrics(input.runId)),
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
  // These read a run's folder by real paths (see runFiles.ts); filesOf first recovers the outputs
  // of a run whose supervisor died before moving them out of its working copy.
  'runs.files': (input, _ctx, core) => listRunFiles(core.runs.filesOf(input.runId)),
  'runs.file': (input, _ctx, core) => {
    const { data, size } = readRunFile(core.runs.filesOf(input.runId), input.path, MAX_FILE_BYTES);
    return {
      base64: data.toString('base64'),
      mime: MIME[path.extname(input.path).toLowerCase()] ?? 'application/octet-stream',
      size,
    };
  },
  'runs.download': (input, _ctx, core) =>
    downloadRunFiles(core.runs.filesOf(input.runId), path.resolve(input.directory)),
  'runs.create': (input, _ctx, core) => core.runs.create(input),
  'runs.update': (input, _ctx, core) => core.runs.update(input),
  'runs.finish': (input, _ctx, core) => core.runs.finish(input),
  'runs.artifacts': (input, _ctx, core) => core.runs.artifacts(input.runId),
  'runs.downloadArtifact': (input, _ctx, core) =>
    core.runs.downloadArtifact(input.runId, input.name, input.destination),
  'runs.downloadArtifacts': (input, _ctx, core) =>
    core.runs.downloadArtifacts(input.runId, input.directory, input.prefix, input.appendPrefix),
};
