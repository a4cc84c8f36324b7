// One colour per run, the same in every chart, legend and table: derived from the run id alone (no state to keep
// in step between screens), so a run keeps its colour across reloads and windows.

/**
 * Twelve hues at a middle lightness (roughly 45-60% in OKLCH terms), each readable as a 2 px line or a dot on both
 * the light (#fff) and the dark (#1e1e1e-ish) panel backgrounds; ordered so neighbours differ in hue. No two are
 * near twins (rust, ochre and amber; cyan and teal read as one colour side by side in Compare).
 */
export const RUN_PALETTE = [
  '#3b82f6', // blue
  '#e5484d', // red
  '#22a06b', // green
  '#d97706', // amber
  '#8b5cf6', // violet
  '#0ea5b7', // teal
  '#db2777', // pink
  '#65a30d', // lime
  '#64748b', // slate
  '#4338ca', // deep indigo (darker than violet)
  '#c026d3', // magenta
  '#78350f', // dark brown (darker than amber)
] as const;

/** FNV-1a: a fast, well-spread 32-bit string hash, so similar ids (run_1, run_2) land on different colours. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The run's colour: stable for a run id, one of RUN_PALETTE. */
export function runColor(runId: string): string {
  return RUN_PALETTE[hash(runId) % RUN_PALETTE.length] as string;
}

/**
 * Colours for a set of runs shown together: each run keeps its own runColor unless an earlier run in the list
 * already took it, then it moves to the next free hue (still stable for the same set, so a chart and a table that
 * show the same runs agree). Use this where runs are shown side by side; runColor where one run is shown.
 */
export function runColors(runIds: readonly string[]): Map<string, string> {
  const taken = new Set<number>();
  const out = new Map<string, string>();
  for (const id of runIds) {
    if (out.has(id)) continue;
    let index = hash(id) % RUN_PALETTE.length;
    for (let k = 0; k < RUN_PALETTE.length && taken.has(index); k++) index = (index + 1) % RUN_PALETTE.length;
    taken.add(index);
    out.set(id, RUN_PALETTE[index] as string);
  }
  return out;
}
