import type { PortMapper } from '@l4lab/cluster';
import { BuiltinRuntime } from './builtinRuntime.ts';
import { NGINX_IMAGE, detectDocker } from './docker/detect.ts';
import { DockerRuntime, IMAGE_BUILD_HINT } from './docker/dockerRuntime.ts';
import { NginxRuntime, findNginx, nginxVersion } from './nginxRuntime.ts';
import type { ContainerRuntime, PodNetworkTools } from './types.ts';

export type RuntimeChoice = 'auto' | 'nginx' | 'docker' | 'builtin';

export class RuntimeUnavailableError extends Error {
  readonly code = 'L4_E_RUNTIME_UNAVAILABLE';
}

/**
 * `--runtime auto`: docker when an engine answers (DOCKER_HOST or /var/run/docker.sock) and
 * nginx:latest is there, else nginx when it is installed, else the built-in servers. Says why.
 */
export async function chooseRuntime(
  choice: RuntimeChoice,
  opts: {
    workspace: string;
    mapper: PortMapper;
    env?: NodeJS.ProcessEnv;
    /** Why docker cannot serve this lab (auto skips it; e.g. pods must run in the lab's netns). */
    noDocker?: string;
    /** The pod's wget, curl and nc for stand-in containers' commands. */
    network?: PodNetworkTools;
  },
): Promise<{
  runtime: ContainerRuntime;
  reason: string;
  /** As a kubelet reports its runtime (`containerd://1.7.2`): `docker://28.2.2`, `nginx://1.22.1`. */
  version: string;
}> {
  const { workspace, mapper, network } = opts;
  let whyNotDocker = opts.noDocker ?? '';
  if ((choice === 'docker' || choice === 'auto') && !opts.noDocker) {
    const d = await detectDocker(opts.env);
    if (d.engine && (d.hasNginxImage || choice === 'docker')) {
      const missing = d.hasNginxImage
        ? ''
        : `; ${NGINX_IMAGE} is missing, so nginx pods show ErrImagePull: ${IMAGE_BUILD_HINT}`;
      return {
        runtime: new DockerRuntime({ engine: d.engine, workspace, mapper, network }),
        version: `docker://${d.engineVersion}`,
        reason: `${choice === 'docker' ? '--runtime docker' : 'a Docker engine answers'} (${d.version})${missing}`,
      };
    }
    if (choice === 'docker') {
      throw new RuntimeUnavailableError(
        `--runtime docker: ${d.engine ? '' : d.reason}; start Docker (or set DOCKER_HOST=unix:///path/docker.sock) or use --runtime nginx`,
      );
    }
    whyNotDocker = d.engine
      ? `${d.version} answers but has no ${NGINX_IMAGE} image (${IMAGE_BUILD_HINT})`
      : d.reason;
  }
  const nginx = choice === 'builtin' ? undefined : findNginx();
  if (nginx) {
    return {
      runtime: new NginxRuntime({ binary: nginx, workspace, mapper, network }),
      version: `nginx://${nginxVersion(nginx)}`,
      reason:
        choice === 'nginx'
          ? `--runtime nginx (${nginx})`
          : `nginx found at ${nginx} (not docker: ${whyNotDocker})`,
    };
  }
  if (choice === 'nginx') {
    throw new RuntimeUnavailableError(
      'nginx is not installed (Debian: apt-get install -y nginx-light libnginx-mod-stream); or use --runtime builtin',
    );
  }
  return {
    runtime: new BuiltinRuntime({ mapper, network }),
    // In-process servers: the runtime is this Node.js.
    version: `builtin://node-${process.versions.node}`,
    reason:
      choice === 'builtin'
        ? '--runtime builtin'
        : `no nginx on PATH and not docker (${whyNotDocker}): in-process servers answer like nginx pods`,
  };
}
