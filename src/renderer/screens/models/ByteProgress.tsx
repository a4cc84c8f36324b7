import type { Job } from '../../../shared/api/types';

/** A register or download job's progress bar ("1.2 GB of 3.0 GB" comes as the job's step). */
export function ByteProgress({ job }: { job: Job | null }) {
  const percent = Math.round((job?.progress ?? 0) * 100);
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div className="bar" style={{ width: `${percent}%` }} />
    </div>
  );
}
