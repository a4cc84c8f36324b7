import { useEffect } from 'react';
import { useRuns } from '../../stores/runs';
import { CompareRuns } from './CompareRuns';
import { ImportMlflow } from './ImportMlflow';
import { SweepList } from '../sweeps/SweepList';
import { RunDetail } from './RunDetail';
import { RunList } from './RunList';
import { SubmitRun } from './SubmitRun';

export function RunsScreen() {
  const view = useRuns((s) => s.view);
  useEffect(() => {
    void useRuns.getState().refresh();
  }, []);
  if (view.kind === 'detail') return <RunDetail key={view.runId} runId={view.runId} />;
  if (view.kind === 'compare') return <CompareRuns runIds={view.runIds} />;
  if (view.kind === 'submit') return <SubmitRun from={view.from} />;
  if (view.kind === 'import') return <ImportMlflow />;
  if (view.kind === 'sweeps') return <SweepList />;
  return <RunList />;
}
