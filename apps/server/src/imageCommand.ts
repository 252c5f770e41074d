import { DockerEngine, NGINX_IMAGE, buildLocalNginxImage, dockerSocketPath } from '@l4lab/runtime';

export const IMAGE_USAGE = `Usage: l4lab image build

  Builds ${NGINX_IMAGE} in the local Docker engine (DOCKER_HOST, else /var/run/docker.sock) from this
  host's nginx (docker import; no registry needed), so --runtime docker can run nginx pods offline.
`;

/** `l4lab image build`: prints progress on stdout; returns the process exit code. */
export async function imageCommand(
  args: string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  if (args[0] !== 'build' || args.length > 1) {
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
  out(`building ${NGINX_IMAGE} from this host's nginx (engine ${where.path})`);
  try {
    await buildLocalNginxImage(engine, (line) => out(`  ${line}`));
  } catch (e) {
    err(`l4lab image build: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  out(`${NGINX_IMAGE} built in ${Date.now() - started} ms`);
  return 0;
}
