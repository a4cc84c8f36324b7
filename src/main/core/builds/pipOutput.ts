import fs from 'node:fs';
import { BenchtopError } from '../../../shared/errors';
import type { JobContext } from '../jobs/jobManager';
import type { LiveOutput } from '../pty/liveOutput';
import { stripAnsi } from '../../../shared/ansi';

/** Names pip (or uv) could not find, from its output. */
export function missingFromPipOutput(text: string): string[] {
  const plain = stripAnsi(text);
  const names = new Set<string>();
  for (const m of plain.matchAll(/No matching distribution found for ([^\s]+)/g)) names.add((m[1] as string).trim());
  for (const m of plain.matchAll(
    /Because ([A-Za-z0-9._-]+) was not found in the (?:package registry|provided package locations)/g,
  ))
    names.add(m[1] as string);
  for (const m of plain.matchAll(/Package `?([A-Za-z0-9._-]+)`? (?:was not found|not found)/g))
    names.add(m[1] as string);
  return [...names];
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Offline: name up front every requirement with no wheel in the workspace. */
export function checkOfflineAvailability(requirements: string[], wheelsDir: string, output: LiveOutput): void {
  let files: string[] = [];
  try {
    files = fs.readdirSync(wheelsDir).filter((f) => f.endsWith('.whl') || f.endsWith('.tar.gz'));
  } catch {
    files = [];
  }
  const available = new Set(files.map((f) => normalise(f.split('-')[0] ?? '')));
  const wanted = requirements.filter((r) => !r.startsWith('-')).map((r) => /^[A-Za-z0-9._-]+/.exec(r)?.[0] ?? r);
  const missing = wanted.filter((name) => !available.has(normalise(name)));
  if (missing.length > 0) {
    output.note(`Offline: the workspace's wheels do not include ${missing.join(', ')}.`);
    throw new BenchtopError(
      'PACKAGE_UNAVAILABLE',
      `Not available offline: ${missing.join(', ')}.`,
      `Add their wheels with \`benchtop wheel add FILE.whl\` (a wheel's dependencies too), or build with offline mode off.`,
    );
  }
  output.note(
    `Offline: installing only from the workspace's wheels (${files.length} file${files.length === 1 ? '' : 's'}).`,
  );
}

/**
 * Calls `onLine` with each whole line a job's step prints (ANSI stripped) until the returned stop is called; a line
 * is held until its newline arrives, and at most 4 KiB of an unfinished line is kept.
 */
export function watchOutputLines(job: JobContext, onLine: (line: string) => void): () => void {
  let buffer = '';
  const id = `progress-${Math.random().toString(36).slice(2)}`;
  job.output.attach({
    id,
    acknowledges: false,
    write: (data) => {
      buffer = (buffer + stripAnsi(data)).slice(-4096);
      const lines = buffer.split(/\r?\n/);
      buffer = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    },
  });
  return () => job.output.detach(id);
}

/** Turns pip's "Collecting"/"Installing" lines into job progress while the step runs. */
export function watchPipProgress(job: JobContext): () => void {
  let collected = 0;
  return watchOutputLines(job, (line) => {
    const collecting = /^\s*(?:Collecting|Downloading|Using cached|Processing)\s+(\S+)/.exec(line);
    if (collecting && /^\s*Collecting/.test(line)) {
      collected += 1;
      job.setProgress(Math.min(0.15 + collected * 0.03, 0.7), `Collecting ${collecting[1]} (${collected})`);
    } else if (/^\s*Installing collected packages/.test(line)) {
      job.setProgress(0.8, 'Installing collected packages');
    } else if (/^\s*(?:Resolved|Prepared|Installed) \d+ packages?/.test(line)) {
      job.setProgress(0.85, line.trim());
    }
  });
}
