import { useEffect, useMemo, useRef, useState } from 'react';
import type { Pod } from '@l4lab/protocol';
import '@xterm/xterm/css/xterm.css';
import '../terminal/terminal.css';
import { execInPod } from '../api/http.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { selectPods } from '../store/selectors.ts';
import { appStore } from '../store/appStore.ts';
import { type RunCommand, createTerminal } from '../terminal/createTerminal.ts';
import { runKubectl } from '../terminal/kubectlConsole.ts';

/** The choice that turns the terminal into l4lab's kubectl console. */
export const KUBECTL = 'kubectl';
const KUBECTL_PROPS = {
  prompt: '$ kubectl ',
  banner:
    "\x1b[2m# l4lab's kubectl console (this lab's API; type help). Pick a pod above for its shell.\x1b[0m\r\n",
};

const keyOf = (p: Pod) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;

const run =
  (pod: string): RunCommand =>
  async (command, signal) => {
    const [ns, name] = pod.split('/') as [string, string];
    try {
      return await execInPod(ns, name, command, signal);
    } catch (err) {
      return { ok: false, message: signal.aborted ? 'cancelled' : String(err) };
    }
  };

/** A pod to start in: the first client-like (not nginx, not kube-system) running pod. */
function defaultPod(pods: Pod[]): string | undefined {
  const running = pods.filter((p) => p.status?.podIP && !p.metadata.deletionTimestamp);
  const client = running.find(
    (p) =>
      p.metadata.namespace !== 'kube-system' &&
      !p.spec.containers.some((c) => /(^|\/)nginx([:@-]|$)/.test(c.image)),
  );
  return client ? keyOf(client) : running[0] && keyOf(running[0]);
}

/** `kubectl exec -it <pod> -- sh`: a terminal running l4lab's built-in tools as the chosen pod. */
export function TerminalPane() {
  const pods = useAppStore(selectPods);
  const [open, setOpen] = useState(true);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const host = useRef<HTMLDivElement>(null);
  const terminal = useRef<ReturnType<typeof createTerminal> | undefined>(undefined);
  const keys = useMemo(() => pods.filter((p) => p.status?.podIP).map(keyOf), [pods]);
  const pod = chosen ?? defaultPod(pods);
  const props = useMemo(
    () =>
      pod === KUBECTL ? { pod, run: runKubectl, ...KUBECTL_PROPS } : { pod, run: run(pod ?? '') },
    [pod],
  );

  // "Exec" in a pod's details drawer opens the terminal on that pod.
  useEffect(
    () =>
      appStore.subscribe((s, prev) => {
        if (s.terminalTarget === prev.terminalTarget) return;
        setChosen(s.terminalTarget.target);
        setOpen(true);
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
    if (!open || !host.current) return;
    const t = createTerminal(host.current, latest.current);
    terminal.current = t;
    return () => {
      t.destroy();
      terminal.current = undefined;
    };
  }, [open]);

  return (
    <section
      className={`panel terminal-pane${open ? ' open' : ''}`}
      aria-label="Terminal"
      data-testid="terminal"
    >
      <header>
        <h2>
          <code>{pod === KUBECTL ? 'kubectl' : 'kubectl exec -it'}</code>
        </h2>
        <select
          aria-label="Pod to exec into"
          value={pod ?? ''}
          onChange={(e) => setChosen(e.target.value || undefined)}
        >
          <option value={KUBECTL}>kubectl console</option>
          {pod && pod !== KUBECTL && !keys.includes(pod) && (
            <option value={pod}>{pod} (gone)</option>
          )}
          {keys.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
          {open ? 'Hide' : 'Terminal'}
        </button>
      </header>
      {open && (
        <div
          className="terminal-host"
          ref={host}
          onClick={() => terminal.current?.focus()}
          aria-label={`Terminal in ${pod ?? 'no pod'}`}
        />
      )}
    </section>
  );
}
