import type { PolicyConfig, SweepDetail } from '../../../shared/api/sweepTypes';
import { formatValue } from './sweepMath';
import { Time } from '../../components/Time';

/** The policy in Azure's class names and parameters: "BanditPolicy(slack_factor=0.1, evaluation_interval=1)". */
export function describePolicy(policy: PolicyConfig | undefined): string {
  if (!policy || policy.type === 'none') return 'none (every trial runs to its end)';
  const common = `evaluation_interval=${policy.evaluationInterval ?? 1}, delay_evaluation=${policy.delayEvaluation ?? 0}`;
  if (policy.type === 'bandit') {
    const slack =
      policy.slackFactor != null ? `slack_factor=${policy.slackFactor}` : `slack_amount=${policy.slackAmount ?? '-'}`;
    return `BanditPolicy(${slack}, ${common})`;
  }
  if (policy.type === 'median') return `MedianStoppingPolicy(${common})`;
  return `TruncationSelectionPolicy(truncation_percentage=${policy.truncationPercentage}, ${common})`;
}

/** Azure's wire form back as the SDK writes it: ["choice", [[1, 2]]] -> choice(1, 2); ["uniform", [0, 1]] -> uniform(0, 1). */
export function expressionText(kind: string, args: unknown[]): string {
  const values = kind === 'choice' && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return `${kind}(${values.map((v) => JSON.stringify(v)).join(', ')})`;
}

/** What the sweep was asked to do, and its best trial so far. */
export function SweepFacts({ sweep, onOpen }: { sweep: SweepDetail; onOpen: (runId: string) => void }) {
  const { config } = sweep;
  return (
    <dl className="facts sweep-facts">
      <dt>Experiment</dt>
      <dd>{sweep.experiment}</dd>
      <dt>Primary metric</dt>
      <dd>
        <code>{config.primaryMetric.name}</code> ({config.primaryMetric.goal})
      </dd>
      <dt>Best trial</dt>
      <dd data-testid="sweep-best">
        {sweep.bestRunId ? (
          <>
            <button type="button" className="link" onClick={() => onOpen(sweep.bestRunId as string)}>
              {sweep.bestRunId}
            </button>{' '}
            {config.primaryMetric.name} = <strong>{formatValue(sweep.bestValue)}</strong>
          </>
        ) : (
          <span className="muted">none yet</span>
        )}
      </dd>
      <dt>Sampling</dt>
      <dd>
        {config.sampling.type} (seed {sweep.seed}) over{' '}
        {Object.entries(config.sampling.parameterSpace).map(([name, [kind, args]]) => (
          <code key={name} className="arg">
            {name}: {expressionText(kind, args)}
          </code>
        ))}
      </dd>
      <dt>Policy</dt>
      <dd>{describePolicy(config.policy)}</dd>
      <dt>Limits</dt>
      <dd>
        max_total_runs {config.maxTotalRuns ?? '(the grid)'}, max_concurrent_runs {config.maxConcurrentRuns ?? '-'},
        max_duration_minutes {config.maxDurationMinutes ?? 10080}
      </dd>
      <dt>Trial script</dt>
      <dd>
        <code>{config.run.script}</code> {config.run.arguments?.join(' ')}{' '}
        <span className="muted">
          in {config.run.environment ?? 'Benchtop-Minimal'} on {config.run.pool ? 'the Docker pool' : config.run.target}
        </span>
      </dd>
      <dt>Created</dt>
      <dd>
        <Time iso={sweep.createdAt} />
        {sweep.endedAt ? (
          <>
            , ended <Time iso={sweep.endedAt} />
          </>
        ) : null}
      </dd>
    </dl>
  );
}
