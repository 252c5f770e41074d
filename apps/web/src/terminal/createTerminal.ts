import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { type ExecResponse, type ExecTraceEntry, execOutputInOrder } from '@l4lab/protocol';
import { LineEditor } from './lineEditor.ts';
import { execCommandOf } from './shellTarget.ts';

/** What the terminal runs a command with (the exec API); resolves with the result or an error. */
export type RunCommand = (
  command: string,
  signal: AbortSignal,
) => Promise<{ ok: true; value: ExecResponse } | { ok: false; message: string }>;

export interface TerminalProps {
  /** `namespace/name` of the pod the commands run in, or undefined when none is chosen. */
  pod: string | undefined;
  run: RunCommand;
  /** Another prompt and first line (the kubectl console); default: a pod's shell. */
  prompt?: string;
  banner?: string;
}

const PROMPT = '/ # ';
const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

/** `\n` -> `\r\n` for the terminal. */
const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

/** One trace step as the terminal shows it, dimmed (the DNS step made visible). */
export function traceLine(e: ExecTraceEntry): string {
  if (e.kind === 'dns') {
    const answer = e.answers.length ? e.answers.join(', ') : e.rcode;
    const via = e.attempts?.length ? ` after ${e.attempts.join('; ')}` : '';
    return `;; dns ${e.type} ${e.name} @${e.server} (${e.transport}${via}, from ${e.from}) -> ${answer}`;
  }
  if (e.kind === 'hosts') return `;; /etc/hosts ${e.name} -> ${e.address}`;
  const why = e.reason ? `: ${e.reason}` : '';
  return `;; ${e.protocol} ${e.from} -> ${e.to} (${e.host}): ${e.outcome}${why}`;
}

/**
 * An xterm.js terminal that reads a command line (LineEditor: history with up/down, Ctrl+C, Ctrl+L),
 * runs it through `run` (a pod's shell, or the kubectl console), and prints stdout, stderr (red)
 * and the trace (dim). It refits to its element whenever that element's size changes.
 */
export function createTerminal(el: HTMLElement, initial: TerminalProps) {
  let props = initial;
  const term = new Terminal({
    fontSize: 13,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    cursorBlink: true,
    convertEol: false,
    scrollback: 2000,
    theme: { background: '#0b1020' },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(el);
  const editor = new LineEditor();
  let running: AbortController | undefined;

  const prompt = () => {
    term.write(props.pod ? (props.prompt ?? PROMPT) : `${DIM}(choose a pod)${RESET} `);
  };
  const banner = () => {
    const banner =
      props.banner ??
      (props.pod
        ? `${DIM}# ${execCommandOf(props.pod)}   (l4lab's built-in tools: type help; exit returns to the console)${RESET}\r\n`
        : '');
    term.write(banner);
    prompt();
  };

  const execute = async (command: string) => {
    const ac = new AbortController();
    running = ac;
    const r = await props.run(command, ac.signal);
    if (running !== ac || ac.signal.aborted) return; // Ctrl+C: the display moved on already
    running = undefined;
    if (!r.ok) term.write(`${RED}error: ${crlf(r.message)}${RESET}\r\n`);
    else {
      for (const e of r.value.trace) term.write(`${DIM}${crlf(traceLine(e))}${RESET}\r\n`);
      // In the order the command wrote (curl -v's lines around its page), stderr in red.
      for (const [fd, text] of execOutputInOrder(r.value))
        term.write(fd === 1 ? crlf(text) : `${RED}${crlf(text)}${RESET}`);
      const last = r.value.stdout + r.value.stderr;
      if (last && !last.endsWith('\n')) term.write('\r\n');
    }
    prompt();
  };

  const onKey = (data: string) => {
    if (running && data !== '\x03') return;
    const input = editor.input(data);
    if (input.interrupt) {
      // Ctrl+C: stop waiting for the running command (the request is cancelled), or drop the line
      running?.abort();
      running = undefined;
    }
    if (input.clear) return term.clear();
    term.write(input.echo);
    if (input.interrupt) return prompt();
    if (!input.echo.endsWith('\n')) return;
    if (!input.submit || !props.pod) return prompt();
    if (input.submit === 'clear') {
      term.clear();
      return prompt();
    }
    void execute(input.submit);
  };
  const sub = term.onData(onKey);
  // Fit only a visible element (a hidden dock tab measures 0 x 0), once per frame.
  let frame = 0;
  const refit = () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      if (el.clientWidth > 0 && el.clientHeight > 0) fit.fit();
    });
  };
  const resize = new ResizeObserver(refit);
  resize.observe(el);
  refit();
  banner();

  return {
    update(next: TerminalProps) {
      const podChanged = next.pod !== props.pod;
      props = next;
      if (!podChanged) return;
      running?.abort();
      running = undefined;
      editor.line = '';
      term.write('\r\n');
      banner();
    },
    focus() {
      term.focus();
    },
    destroy() {
      running?.abort();
      cancelAnimationFrame(frame);
      resize.disconnect();
      sub.dispose();
      term.dispose();
    },
  };
}
