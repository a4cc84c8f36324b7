import { useEffect } from 'react';
import { create } from 'zustand';
import type { SweepDetail, SweepSummary } from '../../shared/api/sweepTypes';
import { type ApiError } from '../../shared/errors';
import { client } from '../transport/client';
import { liveLoader } from './liveLoader';
import { asApiError } from './ui';

interface SweepsState {
  /** Every sweep, newest first (null until the first answer). */
  list: SweepSummary[] | null;
  listError: ApiError | null;
  details: Record<string, SweepDetail>;
  detailErrors: Record<string, ApiError>;
}

export const useSweeps = create<SweepsState>(() => ({ list: null, listError: null, details: {}, detailErrors: {} }));

async function loadList(): Promise<void> {
  try {
    const list = await client.sweeps.list({});
    useSweeps.setState({ list, listError: null });
  } catch (err) {
    useSweeps.setState({ listError: asApiError(err) });
  }
}

async function loadDetail(sweepId: string): Promise<void> {
  try {
    const detail = await client.sweeps.get({ sweepId });
    useSweeps.setState((s) => {
      const detailErrors = { ...s.detailErrors };
      delete detailErrors[sweepId];
      return { details: { ...s.details, [sweepId]: detail }, detailErrors };
    });
  } catch (err) {
    useSweeps.setState((s) => ({ detailErrors: { ...s.detailErrors, [sweepId]: asApiError(err) } }));
  }
}

/**
 * Keeps one sweep current while a view shows it: its events (sweeps.changed, its trials' run.updated, and
 * queue.changed, which moves queued trials) are subscribed to BEFORE the first fetch, so no change falls
 * between the fetch and the subscription.
 */
export function useLiveSweep(sweepId: string): { sweep: SweepDetail | undefined; error: ApiError | undefined } {
  useEffect(() => {
    const loader = liveLoader(() => loadDetail(sweepId));
    const offs = [
      client.on('sweeps.changed', (e) => e.sweepId === sweepId && loader.trigger()),
      client.on('run.updated', (run) => (run.id === sweepId || run.parentRunId === sweepId) && loader.trigger()),
      client.on('queue.changed', () => loader.trigger()),
    ];
    void loadDetail(sweepId);
    return () => {
      offs.forEach((off) => off());
      loader.stop();
    };
  }, [sweepId]);
  const sweep = useSweeps((s) => s.details[sweepId]);
  const error = useSweeps((s) => s.detailErrors[sweepId]);
  return { sweep, error };
}

/** Keeps the sweep list current while a view shows it (the sweeps list, and the runs list's sweep badges). */
export function useLiveSweepList(): { list: SweepSummary[] | null; error: ApiError | null } {
  useEffect(() => {
    const loader = liveLoader(loadList, 150);
    const offs = [
      client.on('sweeps.changed', () => loader.trigger()),
      client.on('run.updated', (run) => run.runType === 'hyperdrive' && loader.trigger()),
      // Trials go through the queue, and a parent leaves the unfinished runs when it ends: queue.changed comes
      // from every process (the queue owner's changes included), where sweeps.changed is only this one's.
      client.on('queue.changed', () => loader.trigger()),
    ];
    void loadList();
    return () => {
      offs.forEach((off) => off());
      loader.stop();
    };
  }, []);
  const list = useSweeps((s) => s.list);
  const error = useSweeps((s) => s.listError);
  return { list, error };
}

/** The sweep's summary by its parent run id, from the list or an open detail. */
export function sweepSummary(s: SweepsState, sweepId: string): SweepSummary | undefined {
  return s.details[sweepId] ?? s.list?.find((x) => x.id === sweepId);
}
