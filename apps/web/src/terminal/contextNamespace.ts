// The console's current context namespace, as a kubeconfig context's `namespace` is for kubectl:
// `default` for the instructor, a workshop student's own namespace for them (set once the
// dashboard knows who it is). A `-n` flag still names another one.
let current = 'default';

export function contextNamespace(): string {
  return current;
}

export function setContextNamespace(namespace: string | undefined): void {
  current = namespace ?? 'default';
}
