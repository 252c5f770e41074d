import type { PortMapper } from '@l4lab/cluster';
import { BuiltinRuntime } from './builtinRuntime.ts';
import { NginxRuntime, findNginx } from './nginxRuntime.ts';
import type { ContainerRuntime } from './types.ts';

export type RuntimeChoice = 'auto' | 'nginx' | 'docker' | 'builtin';

export class RuntimeUnavailableError extends Error {
  readonly code = 'L4_E_RUNTIME_UNAVAILABLE';
}

/**
 * `--runtime auto`: docker when an engine answers and the image is there (not built yet: see the
 * README), else nginx when it is installed, else the built-in servers. Says why.
 */
export function chooseRuntime(
  choice: RuntimeChoice,
  opts: { workspace: string; mapper: PortMapper },
): { runtime: ContainerRuntime; reason: string } {
  if (choice === 'docker') {
    throw new RuntimeUnavailableError(
      'the docker runtime is not available in this version of l4lab yet; use --runtime nginx or builtin',
    );
  }
  const nginx = choice === 'builtin' ? undefined : findNginx();
  if (nginx) {
    return {
      runtime: new NginxRuntime({ binary: nginx, ...opts }),
      reason:
        choice === 'nginx'
          ? `--runtime nginx (${nginx})`
          : `nginx found at ${nginx} (docker runtime not built yet)`,
    };
  }
  if (choice === 'nginx') {
    throw new RuntimeUnavailableError(
      'nginx is not installed (Debian: apt-get install -y nginx-light libnginx-mod-stream); or use --runtime builtin',
    );
  }
  return {
    runtime: new BuiltinRuntime(opts),
    reason:
      choice === 'builtin'
        ? '--runtime builtin'
        : 'no nginx on PATH: in-process servers answer like nginx pods',
  };
}
