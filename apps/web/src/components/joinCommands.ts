/** The tutorial's first file, which the join page offers beside the commands that use it. */
export const FIRST_TUTORIAL_FILE = 'pod_test.yaml';

/** The name the server gives a student's kubeconfig (its Content-Disposition says the same). */
export function kubeconfigFileName(namespace: string): string {
  return `l4lab-${namespace}.kubeconfig`;
}

/**
 * What a student types after downloading: the kubeconfig where browsers put downloads, then two
 * kubectl commands that land in their namespace (the kubeconfig's context names it).
 */
export function joinCommands(namespace: string): string[] {
  return [
    `export KUBECONFIG=~/Downloads/${kubeconfigFileName(namespace)}`,
    'kubectl get pods',
    `kubectl apply -f ${FIRST_TUTORIAL_FILE}`,
  ];
}

/** The same first command for Windows PowerShell. */
export function powerShellKubeconfig(namespace: string): string {
  return `$env:KUBECONFIG = "$HOME\\Downloads\\${kubeconfigFileName(namespace)}"`;
}
