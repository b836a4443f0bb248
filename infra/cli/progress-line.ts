const ERASE_LINE = '\r\x1b[K';

/**
 * A status line redrawn in place on a terminal. Any other line written to the same
 * terminal would run into it, so `print` erases it first and draws it again below.
 */
export class ProgressLine {
  #shown = '';

  constructor(private readonly write: (chunk: string) => void) {}

  /** Replaces the status line; an empty one clears it. */
  show(text: string): void {
    if (!text && !this.#shown) return;
    this.write(`${ERASE_LINE}${text}`);
    this.#shown = text;
  }

  /** Writes whole lines (`writeLines` ends them itself) above the status line. */
  print(writeLines: () => void): void {
    if (!this.#shown) return writeLines();
    this.write(ERASE_LINE);
    writeLines();
    this.write(this.#shown);
  }
}
