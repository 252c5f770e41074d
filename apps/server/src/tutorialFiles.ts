// The tutorial's own file names, written at start into `<workspace>/tutorial/` from the seed
// scenarios, so its commands work verbatim in a terminal: `kubectl apply -f pod_test.yaml`.
// The seeds stay the one source (each file is one of their documents, as the tutorial splits them).
// The dashboard gets the same files (`GET /api/tutorial`): its kubectl console opens them as tabs.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TutorialFile } from '@l4lab/protocol';
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

/** The tutorial's files, split from the seeds in `scenariosDir`, in the tutorial's order. */
export async function tutorialFiles(scenariosDir: string): Promise<TutorialFile[]> {
  const files: TutorialFile[] = [];
  for (const { scenario, files: names } of TUTORIAL_FILES) {
    const text = await readFile(join(scenariosDir, scenario), 'utf8');
    const docs = text.split(/^---\s*$/m).map((d) => d.replace(/^(#[^\n]*\n)+/, '').trim());
    if (docs.length !== names.length) {
      throw new Error(
        `${scenario} has ${docs.length} documents, the tutorial names ${names.length}`,
      );
    }
    for (const [i, name] of names.entries()) {
      if (name) files.push({ name, text: `${docs[i]}\n` });
    }
  }
  return files;
}

/** Writes the tutorial's files into `<workspace>/tutorial/`; returns that directory. */
export async function writeTutorialFiles(scenariosDir: string, workspace: string): Promise<string> {
  const dir = resolve(join(workspace, 'tutorial'));
  for (const { name, text } of await tutorialFiles(scenariosDir)) {
    await writeFileAtomic(join(dir, name), text);
  }
  return dir;
}
