/** Terminal colour and cursor sequences (CSI) and titles (OSC). */
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g;

/** Text as a person reads it: for searching logs and parsing tool output, never for display in a terminal. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
