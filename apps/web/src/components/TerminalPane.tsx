import { useEffect, useMemo, useRef, useState } from 'react';
import type { Pod } from '@l4lab/protocol';
import '@xterm/xterm/css/xterm.css';
import '../terminal/terminal.css';
import { useAppStore } from '../hooks/useAppStore.ts';
import { selectPods } from '../store/selectors.ts';
import { appStore } from '../store/appStore.ts';
import { createTerminal, type TerminalProps } from '../terminal/createTerminal.ts';
import { CONSOLE_PROMPT, runKubectl } from '../terminal/kubectlConsole.ts';
import { KUBECTL_CONSOLE, podShell } from '../terminal/podShell.ts';
import { execCommandOf, parseShellTarget } from '../terminal/shellTarget.ts';

const CONSOLE_BANNER =
  "\x1b[2m# kubectl console (this lab's API; type help). A pod's shell: kubectl exec -it <pod> -- sh\x1b[0m\r\n";

const keyOf = (p: Pod) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;

/**
 * The terminal: the kubectl console by default (the user's machine, as in the tutorials), or a
 * pod's shell (`kubectl exec -it <pod> -- sh`) when a pod is chosen here, from a pod's details
 * (Exec), or with `kubectl exec -it`.
 */
export function TerminalPane() {
  const pods = useAppStore(selectPods);
  const [target, setTarget] = useState<string>(KUBECTL_CONSOLE);
  const host = useRef<HTMLDivElement>(null);
  const terminal = useRef<ReturnType<typeof createTerminal> | undefined>(undefined);
  const keys = useMemo(() => pods.filter((p) => p.status?.podIP).map(keyOf), [pods]);
  const isConsole = target === KUBECTL_CONSOLE;
  // A container's shell (`exec -c`) is not in the list of pods: its own entry, or the pod is gone.
  const shell = parseShellTarget(target);
  const unlisted = keys.includes(`${shell.namespace}/${shell.name}`)
    ? `${shell.namespace}/${shell.name} -c ${shell.container}`
    : `${target} (gone)`;
  const props = useMemo<TerminalProps>(
    () =>
      isConsole
        ? { pod: target, run: runKubectl, prompt: CONSOLE_PROMPT, banner: CONSOLE_BANNER }
        : { pod: target, run: podShell(target) },
    [isConsole, target],
  );

  // "Exec" in a pod's details drawer, `kubectl exec -it`, and `exit` choose what the terminal runs.
  useEffect(
    () =>
      appStore.subscribe((s, prev) => {
        if (s.terminalTarget !== prev.terminalTarget)
          setTarget(s.terminalTarget.target || KUBECTL_CONSOLE);
      }),
    [],
  );
  const latest = useRef(props);

  // First keep the latest props (the terminal created below starts with them), then create.
  useEffect(() => {
    latest.current = props;
    terminal.current?.update(props);
  }, [props]);

  useEffect(() => {
    if (!host.current) return;
    const t = createTerminal(host.current, latest.current);
    terminal.current = t;
    return () => {
      t.destroy();
      terminal.current = undefined;
    };
  }, []);

  // A new target (not the first one): the keyboard goes to the terminal, to type there.
  const shown = useRef(target);
  useEffect(() => {
    if (shown.current === target) return;
    shown.current = target;
    terminal.current?.focus();
  }, [target]);

  return (
    <section className="terminal-pane" aria-label="Terminal" data-testid="terminal">
      <header>
        <h2>
          <code>{isConsole ? '$ kubectl' : execCommandOf(target, false)}</code>
        </h2>
        <select
          aria-label="Pod to exec into"
          value={target}
          onChange={(e) => setTarget(e.target.value || KUBECTL_CONSOLE)}
        >
          <option value={KUBECTL_CONSOLE}>kubectl console</option>
          {!isConsole && !keys.includes(target) && <option value={target}>{unlisted}</option>}
          {keys.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </header>
      <div
        className="terminal-host"
        ref={host}
        onClick={() => terminal.current?.focus()}
        aria-label={isConsole ? 'Terminal: kubectl console' : `Terminal in ${target}`}
      />
    </section>
  );
}
