import { randomBytes } from 'node:crypto';
import net from 'node:net';

export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** A client frame built by hand, so that tests can send what no WebSocket library would (bad UTF-8, bad lengths). */
export function encodeFrame(
  opcode: number,
  payload: Buffer,
  options: { fin?: boolean; rsv?: number; mask?: boolean; declaredLength?: bigint } = {},
): Buffer {
  const { fin = true, rsv = 0, mask = true } = options;
  const length = options.declaredLength ?? BigInt(payload.length);
  const head = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f)];
  const maskBit = mask ? 0x80 : 0;
  let extended = Buffer.alloc(0);
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65_536n) {
    head.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(length);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), extended, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (key[i % 4] as number)));
  return Buffer.concat([Buffer.from(head), extended, key, masked]);
}

export interface RawWebSocket {
  socket: net.Socket;
  /** Text messages the server sent, in order. */
  messages: string[];
  /** Resolves with the server's close code (null when the connection ended without a close frame). */
  closed: Promise<number | null>;
  send(frame: Buffer): void;
}

/** Opens `/api` by hand (handshake over a plain TCP socket) and reads the server's frames. */
export function openRawWebSocket(port: number, token: string, timeoutMs = 5_000): Promise<RawWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('WebSocket handshake timed out'));
    }, timeoutMs);
    let buffer: Buffer = Buffer.alloc(0);
    let open = false;
    let closeCode: number | null = null;
    const messages: string[] = [];
    let settleClosed: (code: number | null) => void = () => undefined;
    const closed = new Promise<number | null>((done) => (settleClosed = done));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      if (!open) reject(new Error(`handshake refused: ${buffer.toString('latin1').split('\r\n')[0]}`));
      settleClosed(closeCode);
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!open) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        if (!buffer.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) return void socket.destroy();
        open = true;
        clearTimeout(timer);
        buffer = buffer.subarray(end + 4);
        resolve({ socket, messages, closed, send: (frame) => void socket.write(frame) });
      }
      for (;;) {
        const frame = decodeServerFrame(buffer);
        if (!frame) break;
        buffer = buffer.subarray(frame.size);
        if (frame.opcode === OPCODE.text) messages.push(frame.payload.toString());
        if (frame.opcode === OPCODE.close) closeCode = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : null;
      }
    });
    socket.write(
      [
        'GET /api?token=' + token + ' HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    );
  });
}

/** One unmasked server frame off the front of `data`, or null when it is not all there yet. */
function decodeServerFrame(data: Buffer): { opcode: number; payload: Buffer; size: number } | null {
  if (data.length < 2) return null;
  const opcode = (data[0] as number) & 0x0f;
  let length = (data[1] as number) & 0x7f;
  let at = 2;
  if (length === 126) {
    if (data.length < 4) return null;
    length = data.readUInt16BE(2);
    at = 4;
  } else if (length === 127) {
    if (data.length < 10) return null;
    length = Number(data.readBigUInt64BE(2));
    at = 10;
  }
  if (data.length < at + length) return null;
  return { opcode, payload: data.subarray(at, at + length), size: at + length };
}
