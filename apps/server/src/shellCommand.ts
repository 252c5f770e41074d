// `l4lab shell` (npm run shell): a shell, or one command, inside a running lab's network
// namespace (--dataplane nftables), where the cluster's addresses answer and `nft list ruleset`
// and `conntrack -L` show the lab's own rules and connections.
import { rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type NamespaceRecord, runningLab, spawnInNamespace, toolPath } from '@l4lab/netns';
import { workspaceOwner } from './workspaceLock.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

export const SHELL_USAGE = `Usage: l4lab shell [--workspace DIR] [-- COMMAND ARGS...]   (npm run shell -- ...)

Opens $SHELL (or bash) inside the network namespace of the lab running with that workspace
(started with --dataplane nftables), or runs COMMAND there. Try: curl http://<ClusterIP>/,
nft list ruleset, conntrack -L, kubectl get pods (KUBECONFIG is set).`;

export interface ShellArgs {
  workspace: string;
  command: string[];
  help: boolean;
}

/** `[--workspace DIR] [--] [command...]`; the workspace as the server's (--workspace, env, default). */
export function parseShellArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ShellArgs {
  let workspace = env.L4LAB_WORKSPACE ?? resolve(ROOT, '.l4lab');
  let help = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '--workspace' && i + 1 < argv.length) workspace = argv[++i]!;
    else if (a.startsWith('--workspace=')) workspace = a.slice('--workspace='.length);
    else if (a === '--help' || a === '-h') help = true;
    else break;
  }
  return { workspace: resolve(workspace), command: argv.slice(i), help };
}

export async function shellCommand(
  argv: string[],
  print: (line: string) => void,
  printError: (line: string) => void,
): Promise<number> {
  const args = parseShellArgs(argv);
  if (args.help) {
    print(SHELL_USAGE);
    return 0;
  }
  const record = await runningLab(args.workspace);
  if (!record) {
    printError(`l4lab shell: ${await whyNoNamespace(args.workspace)}`);
    return 1;
  }
  if (record.method === 'netns' && process.geteuid?.() !== 0) {
    printError(`l4lab shell: the lab runs as root (ip netns ${record.name}): sudo npm run shell`);
    return 1;
  }
  const { file, fileArgs, rc } = await commandLine(args, record);
  if (args.command.length === 0)
    printError(
      `l4lab: a shell in the lab's network namespace ${record.name}: the cluster's addresses, ` +
        `its nftables and conntrack (curl http://<ClusterIP>/, nft list ruleset, conntrack -L, ` +
        `kubectl get pods). exit leaves it.`,
    );
  const child = spawnInNamespace(record, file, fileArgs, {
    stdio: 'inherit',
    env: {
      ...process.env,
      L4LAB_NETNS: record.name,
      KUBECONFIG: join(record.workspace, 'kubeconfig'),
    },
  });
  // The terminal's Ctrl-C is the shell's (same process group): this process only waits.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  const forward = () => void child.kill('SIGTERM');
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((done) => {
      child.once('error', (err) => {
        printError(`l4lab shell: ${err.message}`);
        done(1);
      });
      child.once('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
    });
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', forward);
    if (rc) await rm(rc, { force: true });
  }
}

async function whyNoNamespace(workspace: string): Promise<string> {
  const owner = await workspaceOwner(workspace);
  if (owner !== undefined)
    return (
      `the lab in ${workspace} (pid ${owner}) runs the userspace dataplane: it has no network ` +
      `namespace; its addresses answer on this machine's loopback already`
    );
  return (
    `no lab runs with --dataplane nftables in the workspace ${workspace}: start one with ` +
    `npm start -- --dataplane nftables (or pass --workspace DIR)`
  );
}

/** The command, or an interactive shell whose prompt says where it is. */
async function commandLine(
  args: ShellArgs,
  record: NamespaceRecord,
): Promise<{ file: string; fileArgs: string[]; rc?: string }> {
  if (args.command.length > 0) return { file: args.command[0]!, fileArgs: args.command.slice(1) };
  const shell = process.env.SHELL || toolPath('bash') || '/bin/sh';
  if (basename(shell) !== 'bash') return { file: shell, fileArgs: ['-i'] };
  const rc = join(record.workspace, 'run', `shellrc-${process.pid}`);
  await writeFile(
    rc,
    [
      '[ -f ~/.bashrc ] && . ~/.bashrc',
      `PS1="(l4lab ${record.name}) \${PS1:-\\\\u@\\\\h:\\\\w\\\\$ }"`,
      '',
    ].join('\n'),
  );
  return { file: shell, fileArgs: ['--rcfile', rc, '-i'], rc };
}
