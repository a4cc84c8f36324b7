/**
 * A link that downloads a version through the browser (the headless UI).
 * The desktop window has no HTTP server: there, Download to folder is the way.
 */
export function browserDownloadUrl(name: string, version: number): string | null {
  if (window.benchtop) return null;
  const token = sessionStorage.getItem('benchtop-token') ?? '';
  return `/download/models/${encodeURIComponent(name)}/${version}?token=${encodeURIComponent(token)}`;
}

/** "k=v" lines (blank lines ignored) into a record; returns the first bad line as an error. */
export function parseLines(text: string, what: string): { values: Record<string, string>; error: string | null } {
  const values: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf('=');
    if (at <= 0) return { values, error: `${what} line ${i + 1} ("${line}") is not key=value.` };
    values[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return { values, error: null };
}
