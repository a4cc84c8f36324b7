import type { ModelRecord } from '../../shared/api/modelTypes';
import { client } from '../transport/client';
import { createVersionedStore } from './versionedStore';

/** Where the Register view starts: blank, a run's output, or a new version of a model. */
export interface RegisterPrefill {
  runId?: string;
  path?: string;
  name?: string;
}

export const useModels = createVersionedStore<ModelRecord, RegisterPrefill>({
  listLatest: () => client.models.list({ latest: true }),
  listVersions: (name) => client.models.list({ name }),
});
