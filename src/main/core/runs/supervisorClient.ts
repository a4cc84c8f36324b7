import net from 'node:net';
import { type FromSupervisor, type ToSupervisor, lineReader, supervisorSocketPath } from './supervisorProtocol';

/** A connection to a run's supervisor: live output in, input/resize/cancel/flow control out. */
export class SupervisorConnection {
  private constructor(private readonly socket: net.Socket) {}

  static connect(
    runDir: string,
    onMessage: (message: FromSupervisor) => void,
    onClose: () => void,
  ): Promise<SupervisorConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(supervisorSocketPath(runDir));
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', () => socket.destroy());
        // Only a connection that was made can close: a failed attempt must not end the stream.
        socket.on('close', onClose);
        resolve(new SupervisorConnection(socket));
      });
      socket.once('error', reject);
      socket.on('data', lineReader<FromSupervisor>(onMessage));
    });
  }

  send(message: ToSupervisor): void {
    if (!this.socket.destroyed) this.socket.write(`${JSON.stringify(message)}\n`);
  }

  close(): void {
    this.socket.end();
  }
}
