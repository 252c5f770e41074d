// The tutorial's own file names, written at start into `<workspace>/tutorial/` from the seed
// scenarios, so its commands work verbatim in a terminal: `kubectl apply -f pod_test.yaml`.
// The seeds stay the one source (each file is one of their documents, as the tutorial splits them).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from './persist/atomicFile.ts';

/** Per seed, the tutorial's name for each document in order (null: the tutorial has no file). */
const TUTORIAL_FILES: readonly { scenario: string; files: readonly (string | null)[] }[] = [
  { scenario: '01-clusterip.yaml', files: ['pod_test.yaml', 'service_test.yaml'] },
  { scenario: '02-nodeport.yaml', files: ['pod_nodeport.yaml', 'service_nodeport.yaml'] },
  {
    scenario: '03-externalname.yaml',
    // The namespace is made with `kubectl create ns nginx-ns` in the tutorial.
    files: ['client.yaml', 'client_svc.yaml', null, 'server_nginx.yaml', 'nginx_svc.yaml'],
  },
];

/** Writes the tutorial's files; returns their directory. */
export async function writeTutorialFiles(scenariosDir: string, workspace: string): Promise<string> {
  const dir = resolve(join(workspace, 'tutorial'));
  for (const { scenario, files } of TUTORIAL_FILES) {
    const text = await readFile(join(scenariosDir, scenario), 'utf8');
    const docs = text.split(/^---\s*$/m).map((d) => d.replace(/^(#[^\n]*\n)+/, '').trim());
    if (docs.length !== files.length) {
      throw new Error(
        `${scenario} has ${docs.length} documents, the tutorial names ${files.length}`,
      );
    }
    for (const [i, name] of files.entries()) {
      if (name) await writeFileAtomic(join(dir, name), `${docs[i]}\n`);
    }
  }
  return dir;
}
