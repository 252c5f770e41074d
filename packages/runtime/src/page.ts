import type { PodSandbox } from './types.ts';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page every nginx pod serves: nginx's welcome page, plus which pod answered. */
export function podPage(pod: PodSandbox): string {
  const name = escapeHtml(pod.name);
  const ns = escapeHtml(pod.namespace);
  return `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto; font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
<p>Served by pod <b>${ns}/${name}</b> (IP ${escapeHtml(pod.ip)}) on node ${escapeHtml(pod.node)}.</p>
<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;
}
