import type { Router } from './router';

export const importsRouter: Router<'imports.mlflow'> = {
  'imports.mlflow': (input, _ctx, core) => core.mlflowImporter.import(input),
};
