import type { CallName } from '../../../shared/api/contract';
import { appRouter } from './appRouter';
import { buildsRouter } from './buildsRouter';
import { bundlesRouter } from '../bundles/bundlesRouter';
import { datasetsRouter } from './datasetsRouter';
import { dockerRouter } from './dockerRouter';
import { environmentsRouter } from './environmentsRouter';
import { importsRouter } from './importsRouter';
import { jobsRouter } from './jobsRouter';
import { lineageRouter } from './lineageRouter';
import { modelsRouter } from './modelsRouter';
import type { Router } from './router';
import { runsRouter } from './runsRouter';
import { servicesRouter } from './servicesRouter';
import { queueRouter } from './queueRouter';
import { sweepsRouter } from './sweepsRouter';

/** One router per domain; the type check fails if a call in the contract has no handler. */
export const handlers: Router<CallName> = {
  ...appRouter,
  ...environmentsRouter,
  ...buildsRouter,
  ...jobsRouter,
  ...runsRouter,
  ...modelsRouter,
  ...servicesRouter,
  ...dockerRouter,
  ...importsRouter,
  ...bundlesRouter,
  ...datasetsRouter,
  ...lineageRouter,
  ...sweepsRouter,
  ...queueRouter,
};
