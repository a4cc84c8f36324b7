import { LiveOutput, type Viewer } from '../pty/liveOutput';
import { BenchtopError } from '../../../shared/errors';
import { SupervisorConnection } from './supervisorClient';

const REPLAY_FROM_DISK = 1_000_000;

interface Stream {
  output: LiveOutput;
  connection: SupervisorConnection | null;
  viewers: number;
}

/**
 * Live terminals of running scripts: one connection to each run's supervisor socket, shared by all its
 * viewers (with flow control), and what input, resize and cancel send down it.
 */
export class RunStreams {
  private readonly streams = new Map<string, Stream>();

  constructor(
    private readonly runDir: (id: string) => string,
    /** Whether the run has ended (read afresh: a run can end while we connect). */
    private readonly finished: (id: string) => boolean,
    /** The run's output.log, for a run with no live terminal. */
    private readonly log: (id: string) => string,
  ) {}

  /** Subscribes a viewer to a run's terminal; returns what it printed so far. */
  async attach(
    id: string,
    unfinished: boolean,
    viewer: Viewer,
  ): Promise<{ replay: string; truncated: boolean; live: boolean }> {
    let stream = this.streams.get(id);
    if (!stream && unfinished) stream = await this.connect(id);
    if (!stream) {
      const text = this.log(id);
      return { replay: text.slice(-REPLAY_FROM_DISK), truncated: text.length > REPLAY_FROM_DISK, live: false };
    }
    stream.viewers += 1;
    const { replay, truncated } = stream.output.attach(viewer);
    return { replay, truncated, live: true };
  }

  detach(id: string, viewerId: string): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    stream.output.detach(viewerId);
    stream.viewers = Math.max(0, stream.viewers - 1);
  }

  ack(id: string, viewerId: string, chars: number): void {
    this.streams.get(id)?.output.ack(viewerId, chars);
  }

  input(id: string, data: string): void {
    const stream = this.streams.get(id);
    if (!stream?.connection)
      throw new BenchtopError(
        'BAD_INPUT',
        'This run is not running, so it takes no input.',
        'Input goes to a run while it is Running.',
      );
    stream.connection.send({ t: 'input', data });
  }

  resize(id: string, cols: number, rows: number): void {
    this.streams.get(id)?.connection?.send({ t: 'resize', cols, rows });
  }

  /** Asks the supervisor to cancel over the open connection; false when there is none. */
  cancel(id: string): boolean {
    const connection = this.streams.get(id)?.connection;
    if (!connection) return false;
    connection.send({ t: 'cancel' });
    return true;
  }

  private async connect(id: string): Promise<Stream | undefined> {
    const output = new LiveOutput(null);
    const stream: Stream = { output, connection: null, viewers: 0 };
    // The supervisor may still be starting its socket: retry briefly.
    for (let attempt = 0; attempt < 25 && !stream.connection; attempt++) {
      try {
        let first = true;
        stream.connection = await SupervisorConnection.connect(
          this.runDir(id),
          (message) => {
            if (message.t === 'replay' && first) {
              first = false;
              output.push(message.data);
            } else if (message.t === 'output') output.push(message.data);
          },
          () => {
            output.close();
            this.streams.delete(id);
          },
        );
      } catch {
        if (this.finished(id)) return undefined;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    if (!stream.connection) return undefined;
    output.setProducer({
      pause: () => stream.connection?.send({ t: 'pause' }),
      resume: () => stream.connection?.send({ t: 'resume' }),
    });
    stream.connection.send({ t: 'attach' });
    // Let the replay arrive before the first viewer reads it.
    await new Promise((r) => setTimeout(r, 50));
    this.streams.set(id, stream);
    return stream;
  }

  close(): void {
    for (const stream of this.streams.values()) stream.connection?.close();
  }
}
