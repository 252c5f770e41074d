// The terminal's pod shells by name: `namespace/name`, or `namespace/name/container` (`exec -c`).

/** A pod's shell as the terminal names it: `namespace/name`, `namespace/name/container` with `-c`. */
export function shellTarget(namespace: string, name: string, container?: string): string {
  return container ? `${namespace}/${name}/${container}` : `${namespace}/${name}`;
}

/** `namespace/name[/container]` -> its parts (the inverse of shellTarget). */
export function parseShellTarget(target: string): {
  namespace: string;
  name: string;
  container?: string;
} {
  const [namespace = 'default', name = '', container] = target.split('/');
  return { namespace, name, ...(container ? { container } : {}) };
}

/** The kubectl command that opens that shell: `kubectl exec -it -n ns name [-c container] -- sh`. */
export function execCommandOf(target: string, withNamespace = true): string {
  const { namespace, name, container } = parseShellTarget(target);
  const ns = withNamespace ? `-n ${namespace} ` : '';
  return `kubectl exec -it ${ns}${name}${container ? ` -c ${container}` : ''} -- sh`;
}
