import type { DockerEngine } from './dockerEngine.ts';

/** Removes every container l4lab started for this workspace (labels l4lab=1 + l4lab.workspace). */
export async function removeLabelledContainers(
  engine: DockerEngine,
  workspace: string,
): Promise<string[]> {
  const found = await engine.listContainers(['l4lab=1', `l4lab.workspace=${workspace}`]);
  const removed: string[] = [];
  for (const c of found) {
    await engine.removeContainer(c.Id);
    const name = c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12);
    removed.push(`container ${name} (${c.Labels['l4lab.pod'] ?? '?'}, ${c.State})`);
  }
  return removed;
}
