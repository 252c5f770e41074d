import { DockerEngine, NGINX_IMAGE, buildLocalNginxImage, dockerSocketPath } from '@l4lab/runtime';
import { AGENT_IMAGE, buildAgentImage } from './agentImage.ts';

export const IMAGE_USAGE = `Usage: l4lab image build [--agent]

  Builds ${NGINX_IMAGE} in the local Docker engine (DOCKER_HOST, else /var/run/docker.sock) from this
  host's nginx (docker import; no registry needed), so --runtime docker can run nginx pods offline.

  --agent   builds ${AGENT_IMAGE} instead: the agent that l4lab agent install runs on each node of a
            real cluster, from this host's node, a ctevents built here and the repository's code
            (docker import, offline). Load it into the cluster yourself: kind load docker-image
            ${AGENT_IMAGE}, minikube image load ${AGENT_IMAGE}, or push it to your registry.
`;

/** `l4lab image build [--agent]`: prints progress on stdout; returns the process exit code. */
export async function imageCommand(
  args: string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const agent = args.length === 2 && args[1] === '--agent';
  if (args[0] !== 'build' || (args.length > 1 && !agent)) {
    err(IMAGE_USAGE);
    return args[0] === '--help' || args[0] === '-h' ? 0 : 2;
  }
  const where = dockerSocketPath();
  if ('error' in where) {
    err(
      `l4lab image build: ${where.error}; start Docker or set DOCKER_HOST=unix:///path/docker.sock`,
    );
    return 1;
  }
  const engine = new DockerEngine(where.path);
  if (!(await engine.ping())) {
    err(`l4lab image build: no Docker engine answers on ${where.path}`);
    return 1;
  }
  const started = Date.now();
  const image = agent ? AGENT_IMAGE : NGINX_IMAGE;
  out(
    `building ${image} from this host's ${agent ? "node, ctevents and the agent's code" : 'nginx'} (engine ${where.path})`,
  );
  let size = '';
  try {
    if (agent) {
      const { bytes } = await buildAgentImage(engine, (line) => out(`  ${line}`));
      size = `, ${(bytes / 1e6).toFixed(1)} MB`;
    } else await buildLocalNginxImage(engine, (line) => out(`  ${line}`));
  } catch (e) {
    err(`l4lab image build: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  out(`${image} built in ${Date.now() - started} ms${size}`);
  if (agent)
    out(
      `next: load it into the cluster (kind load docker-image ${AGENT_IMAGE}, minikube image load ${AGENT_IMAGE}, or push it), then l4lab agent install`,
    );
  return 0;
}
