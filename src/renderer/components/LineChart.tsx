import { memo } from 'react';

export interface Series {
  label: string;
  points: { x: number; y: number }[];
}

const COLORS = ['#2f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#0a7ea4', '#bf3989', '#57606a'];
const W = 640;
const H = 220;
const PAD = { left: 52, right: 12, top: 10, bottom: 28 };
const MAX_POINTS = 1200;

/** Keeps the shape of a long series: min and max of each bucket, so 100,000 points draw as ~1,200. */
export function downsample(points: { x: number; y: number }[], max = MAX_POINTS): { x: number; y: number }[] {
  if (points.length <= max) return points;
  const buckets = Math.floor(max / 2);
  const size = points.length / buckets;
  const out: { x: number; y: number }[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(points.length, Math.floor((b + 1) * size));
    let lo = points[start] as { x: number; y: number };
    let hi = lo;
    for (let i = start + 1; i < end; i++) {
      const p = points[i] as { x: number; y: number };
      if (p.y < lo.y) lo = p;
      if (p.y > hi.y) hi = p;
    }
    if (lo.x <= hi.x) out.push(lo, hi);
    else out.push(hi, lo);
  }
  return out;
}

const fmt = (v: number) =>
  Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : Number(v.toPrecision(4)).toString();

/** An SVG line chart of one or more series (overlaid when comparing runs). */
export const LineChart = memo(function LineChart({ title, series }: { title: string; series: Series[] }) {
  const drawn = series.map((s) => ({ ...s, points: downsample(s.points.filter((p) => Number.isFinite(p.y))) }));
  const all = drawn.flatMap((s) => s.points);
  const total = series.reduce((n, s) => n + s.points.length, 0);
  if (all.length === 0)
    return (
      <figure className="chart">
        <figcaption>{title}</figcaption>
        <p className="muted">No numeric values yet.</p>
      </figure>
    );
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs) === x0 ? x0 + 1 : Math.max(...xs);
  const flat = Math.min(...ys) === Math.max(...ys);
  const y0 = Math.min(...ys) - (flat ? 1 : 0);
  const y1 = Math.max(...ys) + (flat ? 1 : 0);
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  return (
    <figure className="chart" data-points={total}>
      <figcaption>
        {title}{' '}
        <span className="muted">
          ({total.toLocaleString()} point{total === 1 ? '' : 's'})
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Chart of ${title}`}>
        <line x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} className="axis" />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} className="axis" />
        <text x={PAD.left - 4} y={PAD.top + 8} textAnchor="end" className="tick">
          {fmt(y1)}
        </text>
        <text x={PAD.left - 4} y={H - PAD.bottom} textAnchor="end" className="tick">
          {fmt(y0)}
        </text>
        <text x={PAD.left} y={H - 8} className="tick">
          {fmt(x0)}
        </text>
        <text x={W - PAD.right} y={H - 8} textAnchor="end" className="tick">
          {fmt(x1)}
        </text>
        {drawn.map((s, i) => (
          <polyline
            key={s.label}
            fill="none"
            stroke={COLORS[i % COLORS.length]}
            strokeWidth={1.5}
            points={s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}
          >
            <title>{s.label}</title>
          </polyline>
        ))}
      </svg>
      {series.length > 1 ? (
        <div className="legend">
          {series.map((s, i) => (
            <span key={s.label}>
              <i style={{ background: COLORS[i % COLORS.length] }} /> {s.label}
            </span>
          ))}
        </div>
      ) : null}
    </figure>
  );
});
