import type { SweepSummary } from '../../../shared/api/sweepTypes';
import { sweepCountsText } from './SweepList';

/** A sweep parent's mark in the runs list: "sweep" and its trial counts ("5 done, 2 running"). */
export function SweepBadge({ summary }: { summary: SweepSummary | undefined }) {
  return (
    <span className="badge sweep" data-testid="sweep-badge" title="A HyperDrive sweep: open it for its trials">
      sweep{summary ? ` · ${sweepCountsText(summary.counts)}` : ''}
    </span>
  );
}
