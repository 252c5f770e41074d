import { execInPod } from '../api/http.ts';
import { appStore } from '../store/appStore.ts';
import type { RunCommand } from './createTerminal.ts';
import { parseShellTarget } from './shellTarget.ts';

// `kubectl exec -it <pod> -- sh`: command lines run in the pod by the server's built-in shell
// (busybox ash's grammar: quotes, pipes, &&, ||, ;), which is where the quoting is kept.

/** The terminal's choice for the kubectl console (any other choice is a pod, `namespace/name`). */
export const KUBECTL_CONSOLE = 'kubectl';

/**
 * A pod has no kubectl, as on a real cluster: `sh: kubectl: not found`, plus where kubectl runs.
 */
export function withKubectlHint(stderr: string): string {
  return stderr.replace(
    /^sh: (kubectl|k): not found$/m,
    '$& (kubectl runs from your machine, not inside the pod: type exit, or choose "kubectl console" in the terminal)',
  );
}

/**
 * Runs command lines in `namespace/name` (in its `/container` when named); `exit` leaves the pod's
 * shell for the console.
 */
export function podShell(target: string): RunCommand {
  const { namespace: ns, name, container } = parseShellTarget(target);
  return async (command, signal) => {
    if (/^exit(\s+\d+)?$/.test(command.trim())) {
      appStore.getState().openTerminal(KUBECTL_CONSOLE);
      return { ok: true, value: { stdout: '', stderr: '', exitCode: 0, trace: [] } };
    }
    try {
      const r = await execInPod(ns, name, command, signal, container);
      return r.ok
        ? { ok: true, value: { ...r.value, stderr: withKubectlHint(r.value.stderr) } }
        : r;
    } catch (err) {
      return { ok: false, message: signal.aborted ? 'cancelled' : String(err) };
    }
  };
}
