import { useEffect } from 'react';
import { create } from 'zustand';
import type { QueueState } from '../../shared/api/sweepTypes';
import { type ApiError } from '../../shared/errors';
import { client } from '../transport/client';
import { liveLoader } from './liveLoader';
import { asApiError, useUi } from './ui';

interface QueueStore {
  state: QueueState | null;
  error: ApiError | null;
}

export const useQueue = create<QueueStore>(() => ({ state: null, error: null }));

async function loadQueue(): Promise<void> {
  try {
    useQueue.setState({ state: await client.queue.list({}), error: null });
  } catch (err) {
    useQueue.setState({ error: asApiError(err) });
  }
}

/** Subscribes to queue.changed and run.updated (a run that starts or ends) BEFORE the first fetch. */
export function useLiveQueue(): QueueStore {
  useEffect(() => {
    const loader = liveLoader(loadQueue, 100);
    const offs = [client.on('queue.changed', () => loader.trigger()), client.on('run.updated', () => loader.trigger())];
    void loadQueue();
    return () => {
      offs.forEach((off) => off());
      loader.stop();
    };
  }, []);
  return useQueue();
}

export async function setQueuePriority(runId: string, priority: number): Promise<void> {
  try {
    await client.queue.setPriority({ runId, priority });
    await loadQueue();
  } catch (err) {
    useUi.getState().showError(err);
  }
}

/** Cancels a run from the queue: a queued one never starts, a running one is stopped as from its detail. */
export async function cancelQueuedRun(runId: string): Promise<void> {
  try {
    await client.runs.cancel({ runId });
    await loadQueue();
  } catch (err) {
    useUi.getState().showError(err);
  }
}
