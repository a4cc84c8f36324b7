import { useId } from 'react';
import { type XMode, X_LABELS } from './chartData';

export interface ChartSettings {
  xMode: XMode;
  logY: boolean;
  /** EMA weight, 0 (none) to 0.99, as TensorBoard's smoothing slider. */
  smoothing: number;
}

export const DEFAULT_CHART_SETTINGS: ChartSettings = { xMode: 'step', logY: false, smoothing: 0 };

/** X axis (step / time / relative time), log y and smoothing: for one chart, or one set for a screen of charts. */
export function ChartControls({
  value,
  onChange,
  compact = false,
}: {
  value: ChartSettings;
  onChange: (next: ChartSettings) => void;
  compact?: boolean;
}) {
  const id = useId();
  return (
    <span className={compact ? 'chart-controls compact' : 'chart-controls'} role="group" aria-label="Chart settings">
      <label htmlFor={`${id}-x`}>X axis</label>
      <select
        id={`${id}-x`}
        value={value.xMode}
        onChange={(e) => onChange({ ...value, xMode: e.target.value as XMode })}
      >
        {(Object.keys(X_LABELS) as XMode[]).map((mode) => (
          <option key={mode} value={mode}>
            {X_LABELS[mode]}
          </option>
        ))}
      </select>
      <label>
        <input type="checkbox" checked={value.logY} onChange={(e) => onChange({ ...value, logY: e.target.checked })} />{' '}
        Log scale
      </label>
      <label htmlFor={`${id}-s`}>Smoothing</label>
      <input
        id={`${id}-s`}
        type="range"
        min={0}
        max={0.99}
        step={0.01}
        value={value.smoothing}
        onChange={(e) => onChange({ ...value, smoothing: Number(e.target.value) })}
      />
      <output htmlFor={`${id}-s`}>{value.smoothing.toFixed(2)}</output>
    </span>
  );
}
