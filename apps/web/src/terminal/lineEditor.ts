/** What the terminal does with one chunk of input. */
export interface LineInput {
  /** Written to the terminal: the typed text itself, exactly (local echo), or erasing it. */
  echo: string;
  /** A complete command line to run (Enter, or a pasted line ending in a newline). */
  submit?: string;
  /** Ctrl+C */
  interrupt?: boolean;
  /** Ctrl+L */
  clear?: boolean;
}

const HISTORY_MAX = 200;

/**
 * The terminal's line discipline, without xterm: the line being typed, its echo, history with
 * up/down. What is echoed after the prompt is exactly what was typed, so `$ ` + `kubectl get pods`
 * reads `$ kubectl get pods`.
 */
export class LineEditor {
  line = '';
  readonly history: string[] = [];
  #historyAt = 0;

  input(data: string): LineInput {
    if (data === '\x03') {
      this.line = '';
      return { echo: '^C\r\n', interrupt: true };
    }
    if (data === '\x0c') return { echo: '', clear: true };
    if (data === '\r') return this.#submit('');
    if (data === '\x7f' || data === '\b') {
      if (this.line.length === 0) return { echo: '' };
      this.line = this.line.slice(0, -1);
      return { echo: '\b \b' };
    }
    if (data === '\x1b[A' || data === '\x1b[B') {
      const step = data === '\x1b[A' ? -1 : 1;
      this.#historyAt = Math.max(0, Math.min(this.history.length, this.#historyAt + step));
      return { echo: this.#replace(this.history[this.#historyAt] ?? '') };
    }
    if (data.startsWith('\x1b')) return { echo: '' }; // left/right and other keys: not supported
    // Typed or pasted text without control characters; a pasted line's newline runs it.
    const [first = '', ...more] = data.split(/\r\n|\r|\n/);
    const text = [...first].filter((c) => c >= ' ').join('');
    if (more.length > 0) return this.#submit(text);
    this.line += text;
    return { echo: text };
  }

  #submit(text: string): LineInput {
    const command = (this.line + text).trim();
    this.line = '';
    if (command && this.history.at(-1) !== command) this.history.push(command);
    if (this.history.length > HISTORY_MAX) this.history.shift();
    this.#historyAt = this.history.length;
    return { echo: `${text}\r\n`, ...(command ? { submit: command } : {}) };
  }

  #replace(next: string): string {
    const erase = '\b \b'.repeat(this.line.length);
    this.line = next;
    return erase + next;
  }
}
