import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** Flush pending output after this long (ms) or once this many characters wait. */
const BATCH_MS = 8;
const BATCH_MAX_CHARS = 100_000;
/** Pause the producer above this many unacknowledged characters, resume below the low mark. */
export const HIGH_WATERMARK = 100_000;
export const LOW_WATERMARK = 5_000;
/** How much a re-attaching viewer is replayed; the full log stays on disk. */
const REPLAY_LIMIT = 1_000_000;

export interface Producer {
  pause(): void;
  resume(): void;
}

export interface Viewer {
  id: string;
  write(data: string): void;
  /** Viewers that acknowledge take part in flow control; others (a file, the CLI) are never waited for. */
  acknowledges: boolean;
}

/**
 * One live text stream (a build's or a run's terminal): bytes in, UTF-8-safe
 * batched text out to a log file, a bounded replay buffer and live viewers,
 * with the producer paused while a viewer falls behind.
 */
export class LiveOutput {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private timer: NodeJS.Timeout | null = null;
  private readonly replay: string[] = [];
  private replayChars = 0;
  private dropped = false;
  private readonly viewers = new Map<string, { viewer: Viewer; unacked: number }>();
  private producer: Producer | null = null;
  private paused = false;
  private logFd: number | null;
  private closed = false;
  /** Set when the log file could not be written (disk full): output goes on to viewers and the replay. */
  logError: string | null = null;

  constructor(logFile: string | null) {
    if (logFile) {
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      this.logFd = fs.openSync(logFile, 'a');
    } else {
      this.logFd = null;
    }
  }

  setProducer(producer: Producer | null): void {
    this.producer = producer;
    if (producer && this.paused) producer.pause();
  }

  /** Raw bytes (or already-decoded text) from the producer. */
  push(chunk: Buffer | string): void {
    if (this.closed) return;
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.pending.length >= BATCH_MAX_CHARS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  /** A line from Benchtop itself (step headers, mappings, results), styled so it stands out from tool output. */
  note(text: string): void {
    this.push(`\x1b[1;36m${text}\x1b[0m\r\n`);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    const data = this.pending;
    this.pending = '';
    if (this.logFd !== null) this.writeLog(data);
    this.remember(data);
    for (const entry of this.viewers.values()) {
      if (entry.viewer.acknowledges) entry.unacked += data.length;
      entry.viewer.write(data);
    }
    this.updateFlow();
  }

  attach(viewer: Viewer): { replay: string; truncated: boolean } {
    this.flush();
    this.viewers.set(viewer.id, { viewer, unacked: 0 });
    return { replay: this.replay.join(''), truncated: this.dropped };
  }

  detach(viewerId: string): void {
    this.viewers.delete(viewerId);
    this.updateFlow();
  }

  ack(viewerId: string, chars: number): void {
    const entry = this.viewers.get(viewerId);
    if (!entry) return;
    entry.unacked = Math.max(0, entry.unacked - chars);
    this.updateFlow();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  text(): string {
    this.flush();
    return this.replay.join('');
  }

  close(): void {
    if (this.closed) return;
    this.pending += this.decoder.end();
    this.flush();
    this.closed = true;
    if (this.logFd !== null) {
      try {
        fs.closeSync(this.logFd);
      } catch {
        // Closing a log on a full disk can fail too; nothing more to save.
      }
    }
    if (this.paused) this.producer?.resume();
  }

  /** A full disk must not crash the producer (a run, a build): the log stops, the stream goes on. */
  private writeLog(data: string): void {
    try {
      fs.writeSync(this.logFd as number, data);
    } catch (err) {
      this.logError = `The log file could not be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); later output is not on disk.`;
      try {
        fs.closeSync(this.logFd as number);
      } catch {
        // Already unusable.
      }
      this.logFd = null;
      const notice = `\r\n\x1b[1;31mbenchtop: ${this.logError}\x1b[0m\r\n`;
      this.remember(notice);
      for (const entry of this.viewers.values()) entry.viewer.write(notice);
    }
  }

  private remember(data: string): void {
    this.replay.push(data);
    this.replayChars += data.length;
    while (this.replayChars > REPLAY_LIMIT && this.replay.length > 1) {
      this.replayChars -= (this.replay.shift() as string).length;
      this.dropped = true;
    }
  }

  private updateFlow(): void {
    let worst = 0;
    for (const entry of this.viewers.values()) worst = Math.max(worst, entry.unacked);
    if (!this.paused && worst > HIGH_WATERMARK) {
      this.paused = true;
      this.producer?.pause();
    } else if (this.paused && worst < LOW_WATERMARK) {
      this.paused = false;
      this.producer?.resume();
    }
  }
}
