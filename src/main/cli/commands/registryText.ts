import { formatBytes } from '../../../shared/format';

// Words the model and data commands print alike, so the two registries read the same on screen.

/** "key=value, flag" (a tag with an empty value is shown by its key alone). */
export function pairs(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    .join(', ');
}

export function downloadedLine(ref: string, result: { path: string; files: number; size: number }): string {
  return `Downloaded ${ref} to ${result.path} (${result.files} file${result.files === 1 ? '' : 's'}, ${formatBytes(result.size)}, checksums verified).`;
}

export function deletedLine(target: { name: string; version: number }, freedBytes: number): string {
  return `Deleted ${target.name}:${target.version} (freed ${formatBytes(freedBytes)}).`;
}
