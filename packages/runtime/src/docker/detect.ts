import { DockerEngine, dockerSocketPath } from './dockerEngine.ts';
import { removeLabelledContainers } from './labels.ts';

export const NGINX_IMAGE = 'nginx:latest';

export type DockerDetection =
  | { engine: DockerEngine; version: string; engineVersion: string; hasNginxImage: boolean }
  | { engine?: undefined; reason: string };

/** Is there a Docker engine (DOCKER_HOST or /var/run/docker.sock) that answers, with nginx:latest? */
export async function detectDocker(env: NodeJS.ProcessEnv = process.env): Promise<DockerDetection> {
  const where = dockerSocketPath(env);
  if ('error' in where) return { reason: where.error };
  const engine = new DockerEngine(where.path);
  if (!(await engine.ping())) return { reason: `no Docker engine answers on ${where.path}` };
  try {
    const v = await engine.version();
    return {
      engine,
      version: `Docker ${v.Version} on ${where.path}`,
      engineVersion: v.Version,
      hasNginxImage: await engine.imageExists(NGINX_IMAGE),
    };
  } catch (err) {
    return { reason: `the Docker engine on ${where.path} failed: ${String(err)}` };
  }
}

/** Removes this workspace's leftover containers when an engine answers; nothing otherwise. */
export async function cleanupContainersIfEngine(workspace: string): Promise<string[]> {
  const where = dockerSocketPath();
  if ('error' in where) return [];
  const engine = new DockerEngine(where.path);
  if (!(await engine.ping(500))) return [];
  return removeLabelledContainers(engine, workspace);
}
