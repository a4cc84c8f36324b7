import type { Terminal } from '@xterm/xterm';

/**
 * Lines that start trouble in a log: a Python traceback's first line, an exception line
 * ("ValueError: ...", "Error: ..."), a build tool's "ERROR", or a non-zero exit code.
 */
const ERROR_LINE =
  /^Traceback \(most recent call last\)|^\s*(?:[A-Za-z_][\w.]*)?(?:Error|Exception)\b[:\s]|^\s*(?:ERROR|FATAL)\b|exit(?:ed with)? code [1-9]\d*|exit status [1-9]\d*/;

/** True when a log line (without colour codes; xterm gives plain text) starts an error. */
export function isErrorLine(text: string): boolean {
  return ERROR_LINE.test(text);
}

/**
 * Scans the lines xterm has written since the last scan and remembers where errors are.
 * Works on xterm's buffer (not the raw bytes) so wrapped lines, \r progress bars and
 * colour codes are already resolved. A traceback's own "XError:" line is not counted
 * separately: it belongs to the traceback found just above it.
 */
export class ErrorScanner {
  private scanned = 0;
  /** Absolute buffer line numbers of the errors found, oldest first. */
  readonly lines: number[] = [];
  private inTraceback = false;

  scan(term: Terminal): boolean {
    const buffer = term.buffer.active;
    // The last line may still be growing (no newline yet): scan up to the cursor's line only.
    const end = buffer.baseY + buffer.cursorY;
    // Scrollback trimming shifts lines up; a scanned index past the end means lines went away.
    if (this.scanned > end + 1) this.scanned = 0;
    let found = false;
    for (let y = this.scanned; y < end; y++) {
      const line = buffer.getLine(y);
      if (!line || line.isWrapped) continue;
      // One logical line: this row and the rows it wrapped onto.
      let text = line.translateToString(true);
      for (let next = buffer.getLine(y + 1), k = y + 1; next?.isWrapped; next = buffer.getLine(++k))
        text += next.translateToString(true);
      // A logger may put the traceback after its own message on the same line ("... failed: Traceback (...").
      if (text.includes('Traceback (most recent call last)')) {
        this.inTraceback = true;
        this.lines.push(y);
        found = true;
      } else if (this.inTraceback) {
        // A traceback ends at its unindented exception line.
        if (!/^\s/.test(text) && text.length > 0) this.inTraceback = false;
      } else if (isErrorLine(text)) {
        this.lines.push(y);
        found = true;
      }
    }
    this.scanned = end;
    return found;
  }

  reset(): void {
    this.scanned = 0;
    this.lines.length = 0;
    this.inTraceback = false;
  }
}
