import fs from 'node:fs';
import { BenchtopError } from '../../../shared/errors';
import type { Router } from './router';

export const jobsRouter: Router<'jobs.list' | 'jobs.cancel' | 'jobs.attach' | 'jobs.detach' | 'jobs.ack' | 'jobs.log'> =
  {
    'jobs.list': (_input, _ctx, core) => core.jobs.list(),
    'jobs.cancel': (input, _ctx, core) => core.jobs.cancel(input.jobId),
    'jobs.attach': (input, ctx, core) => {
      const live = core.jobs.get(input.jobId);
      const { replay, truncated } = live.output.attach(ctx.viewerFor('job', input.jobId));
      return { job: { ...live.job }, replay, truncated };
    },
    'jobs.detach': (input, ctx, core) => {
      core.jobs.get(input.jobId).output.detach(ctx.connectionId);
      return {};
    },
    'jobs.ack': (input, ctx, core) => {
      core.jobs.get(input.jobId).output.ack(ctx.connectionId, input.chars);
      return {};
    },
    'jobs.log': (input, _ctx, core) => {
      const file = core.jobs.logPath(input.jobId);
      if (!/^[\w-]+$/.test(input.jobId) || !fs.existsSync(file))
        throw new BenchtopError('NOT_FOUND', `No log for job "${input.jobId}".`, 'See the jobs list for the ids.');
      return { text: fs.readFileSync(file, 'utf8') };
    },
  };
