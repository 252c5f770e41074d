import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import type { ExecResponse, ExecTraceEntry } from '@l4lab/protocol';

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
const HISTORY_MAX = 200;

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
  return `;; ${e.protocol} ${e.from} -> ${e.to} (${e.host}): ${e.outcome}`;
}

/**
 * An xterm.js terminal that reads a command line (history with up/down, Ctrl+C, Ctrl+L), runs it in
 * the chosen pod through `run`, and prints stdout, stderr (red) and the trace (dim).
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
  const history: string[] = [];
  let historyAt = 0;
  let line = '';
  let running: AbortController | undefined;

  const prompt = () => {
    line = '';
    term.write(props.pod ? (props.prompt ?? PROMPT) : `${DIM}(choose a pod)${RESET} `);
  };
  const banner = () => {
    const banner =
      props.banner ??
      (props.pod
        ? `${DIM}# kubectl exec -it -n ${props.pod.replace('/', ' ')} -- sh   (l4lab's built-in tools: type help)${RESET}\r\n`
        : '');
    term.write(banner);
    prompt();
  };
  const replaceLine = (next: string) => {
    term.write('\b \b'.repeat(line.length));
    line = next;
    term.write(next);
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
      term.write(crlf(r.value.stdout));
      if (r.value.stderr) term.write(`${RED}${crlf(r.value.stderr)}${RESET}`);
      const last = r.value.stdout + r.value.stderr;
      if (last && !last.endsWith('\n')) term.write('\r\n');
    }
    prompt();
  };

  const onKey = (data: string) => {
    if (data === '\x03') {
      // Ctrl+C: stop waiting for the running command (the request is cancelled), or drop the line
      running?.abort();
      running = undefined;
      term.write('^C\r\n');
      prompt();
      return;
    }
    if (running) return;
    if (data === '\x0c') {
      term.clear();
      return;
    }
    if (data === '\r') {
      term.write('\r\n');
      const command = line.trim();
      if (!command || !props.pod) return prompt();
      if (history.at(-1) !== command) history.push(command);
      if (history.length > HISTORY_MAX) history.shift();
      historyAt = history.length;
      void execute(command);
      return;
    }
    if (data === '\x7f' || data === '\b') {
      if (line.length > 0) replaceLine(line.slice(0, -1));
      return;
    }
    if (data === '\x1b[A' || data === '\x1b[B') {
      historyAt = Math.max(0, Math.min(history.length, historyAt + (data === '\x1b[A' ? -1 : 1)));
      replaceLine(history[historyAt] ?? '');
      return;
    }
    if (data.startsWith('\x1b')) return; // other escape sequences: left/right are not supported
    // Typed or pasted text: the first line only, without control characters.
    const text = [...data.split(/\r|\n/)[0]!].filter((c) => c >= ' ').join('');
    line += text;
    term.write(text);
  };
  const sub = term.onData(onKey);
  const resize = new ResizeObserver(() => fit.fit());
  resize.observe(el);
  fit.fit();
  banner();

  return {
    update(next: TerminalProps) {
      const podChanged = next.pod !== props.pod;
      props = next;
      if (!podChanged) return;
      running?.abort();
      running = undefined;
      term.write('\r\n');
      banner();
    },
    focus() {
      term.focus();
    },
    destroy() {
      running?.abort();
      resize.disconnect();
      sub.dispose();
      term.dispose();
    },
  };
}
