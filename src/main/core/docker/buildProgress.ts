import { LOCK_MARKER } from './dockerfile';

/**
 * Reads the engine's build stream (JSON objects: {stream}, {error, errorDetail}, {aux: {ID}})
 * into terminal output and per-step progress ("Step 3/7 : RUN ...").
 */
export class BuildStreamParser {
  private pending = '';
  step = 0;
  steps = 0;
  stepText = '';
  imageId: string | null = null;
  /** The JSON the lock step printed after its marker. */
  lock: string | null = null;
  error: string | null = null;
  /** Output of the current step only, to quote when it fails. */
  private stepOutput: string[] = [];
  private afterStep = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly onStep: (step: number, steps: number, text: string) => void,
  ) {}

  push(chunk: Buffer | string): void {
    this.pending += chunk.toString();
    let end: number;
    while ((end = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, end).trim();
      this.pending = this.pending.slice(end + 1);
      if (line) this.line(line);
    }
  }

  end(): void {
    if (this.pending.trim()) this.line(this.pending.trim());
    this.pending = '';
  }

  private line(raw: string): void {
    let message: {
      stream?: string;
      error?: string;
      errorDetail?: { message?: string };
      aux?: { ID?: string };
      status?: string;
    };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      message = { stream: `${raw}\n` };
    }
    if (message.aux?.ID) this.imageId = message.aux.ID;
    if (message.error) {
      this.error = message.errorDetail?.message ?? message.error;
      this.write(`\x1b[31m${this.error}\x1b[0m\r\n`);
      return;
    }
    const text = message.stream ?? (message.status ? `${message.status}\n` : '');
    // The engine sends a bare newline after each step line.
    if (!text || (text === '\n' && this.afterStep)) return;
    this.afterStep = false;
    const step = /^Step (\d+)\/(\d+) : (.*)/m.exec(text);
    if (step) {
      this.step = Number(step[1]);
      this.steps = Number(step[2]);
      this.stepText = (step[3] as string).trim();
      this.stepOutput = [];
      this.onStep(this.step, this.steps, this.stepText);
      this.afterStep = true;
      this.write(`\x1b[1;36m${text.replace(/\n$/, '').replace(/\r?\n/g, '\r\n')}\x1b[0m\r\n`);
      return;
    }
    // The lock step's JSON is recorded, not shown: the Lock tab shows it as a table.
    const lines = text.split('\n').filter((line) => {
      if (!line.startsWith(LOCK_MARKER)) return true;
      this.lock = line.slice(LOCK_MARKER.length).trim();
      return false;
    });
    if (lines.join('') === '') return;
    this.stepOutput.push(...lines.filter((l) => l.trim()));
    if (this.stepOutput.length > 40) this.stepOutput.splice(0, this.stepOutput.length - 40);
    this.write(lines.join('\n').replace(/\r?\n/g, '\r\n'));
  }

  /** "Step 3/7 (RUN pip install ...) failed: <engine message>" with the step's last output lines. */
  failure(): { message: string; output: string } {
    const where = this.step
      ? `Step ${this.step}/${this.steps} (${this.stepText.length > 120 ? `${this.stepText.slice(0, 117)}...` : this.stepText})`
      : 'The image build';
    return {
      message: `${where} failed: ${this.error ?? 'the engine ended the build'}`,
      output: this.stepOutput.slice(-15).join('\n'),
    };
  }
}
