import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { tarFs } from './lazyModules';

/** How often a remote container's events are fetched while it runs (a sweep's policy and the UI read them live). */
const PULL_INTERVAL_MS = 2000;
const PULLED = '.events-pull';

/**
 * A remote engine shares no folder with this machine, so a container's metrics would only arrive when it ends:
 * too late for a sweep's early-termination policy and for live charts. This copies the container's events file
 * (`docker cp`, the engine's archive call) every few seconds and appends the complete lines it has not appended
 * yet to the host's events.jsonl, which therefore only ever grows (readers keep their offsets).
 */
export class RemoteEventsSync {
  /** Bytes of the container's events file that the host's file has (copied in, or appended since). */
  private synced: number;
  private timer: NodeJS.Timeout | null = null;
  private pulling: Promise<void> | null = null;

  constructor(
    private readonly container: Docker.Container,
    private readonly containerFile: string,
    private readonly runDir: string,
    copiedIn: number,
  ) {
    this.synced = copiedIn;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.pulling ??= this.pull()
        .catch(() => undefined)
        .finally(() => (this.pulling = null));
    }, PULL_INTERVAL_MS);
  }

  /** Stops pulling; returns how many bytes of the container's file the host has (copyOut appends the rest). */
  async stop(): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pulling;
    fs.rmSync(path.join(this.runDir, PULLED), { recursive: true, force: true });
    return this.synced;
  }

  private async pull(): Promise<void> {
    let archive: NodeJS.ReadableStream;
    try {
      archive = (await this.container.getArchive({ path: this.containerFile })) as NodeJS.ReadableStream;
    } catch {
      return; // Not written yet, or the container is going: the final copy brings what is left.
    }
    const dir = path.join(this.runDir, PULLED);
    fs.mkdirSync(dir, { recursive: true });
    await new Promise<void>((resolve, reject) => {
      const extract = tarFs().extract(dir, { ignore: (name) => path.basename(name) !== 'events.jsonl' });
      archive.pipe(extract);
      extract.on('finish', () => resolve());
      extract.on('error', reject);
    });
    const pulled = path.join(dir, 'events.jsonl');
    if (!fs.existsSync(pulled)) return;
    const all = fs.readFileSync(pulled);
    // Only whole lines: the script may be in the middle of writing the last one.
    const end = all.lastIndexOf(0x0a) + 1;
    if (end > this.synced) {
      fs.appendFileSync(path.join(this.runDir, 'events.jsonl'), all.subarray(this.synced, end));
      this.synced = end;
    }
  }
}
