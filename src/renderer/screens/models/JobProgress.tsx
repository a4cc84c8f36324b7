import type { Job } from '../../../shared/api/types';
import { ByteProgress } from './ByteProgress';

interface JobProgressProps {
  job: Job | null;
  cancel(): void;
  /** What it says before the job's first step comes. */
  waiting?: string;
  cancelLabel: string;
}

/** The bar, the job's step, and Cancel once there is a job to cancel. */
function Progress({
  job,
  cancel,
  waiting = 'Starting...',
  cancelLabel,
  stepRole,
}: JobProgressProps & { stepRole?: 'status' }) {
  return (
    <>
      <ByteProgress job={job} />
      <span role={stepRole}>{job?.step ?? waiting}</span>
      {job ? (
        <button type="button" onClick={cancel}>
          {cancelLabel}
        </button>
      ) : null}
    </>
  );
}

/** Progress inside a row that holds more (the Register button): the step text is the status. */
export function JobProgressParts(props: JobProgressProps) {
  return <Progress {...props} stepRole="status" />;
}

/** Progress as a row of its own, the whole row the status, named by `label` ("Download progress"). */
export function JobProgressRow({ label, ...props }: JobProgressProps & { label: string }) {
  return (
    <div className="row" role="status" aria-label={label}>
      <Progress {...props} />
    </div>
  );
}
