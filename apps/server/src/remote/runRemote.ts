// `npm start -- --kubeconfig PATH [--context NAME]`: main.ts's remote branch. Starts remote mode,
// says which cluster it shows and what it does not do there, and stops on a signal.
import type { LabConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { hostOf } from './remoteTarget.ts';
import { startRemoteLab } from './remoteLab.ts';

export async function runRemote(
  config: LabConfig,
  print: (line: string) => void,
  printError: (line: string) => void,
): Promise<void> {
  const logger = createLogger(config.logLevel);
  let lab;
  try {
    lab = await startRemoteLab(config, logger);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = err instanceof Error ? err.message : String(err);
    // kubectl's own errors start with `error:` or name the server: no code in front of them.
    printError(`l4lab: ${code && code !== 'L4_E_REMOTE_START' ? `${code}: ` : ''}${message}`);
    process.exit(1);
  }
  const cluster = lab.info.cluster!;
  print(`cluster: ${cluster.context} (${hostOf(cluster.server)}), through its API server`);
  print(
    'remote mode: no local pods, kube-proxy or DNS; the traffic generator sends from this machine to NodePorts, LoadBalancer IPs and externalIPs',
  );
  print(`connection events: ${cluster.connections ?? ''}`);
  print(`l4lab ready: ${lab.url}`);
  if (lab.token) {
    print(`access token: ${lab.token} (listening beyond loopback: API calls need it)`);
    print(`open: ${lab.url}/?token=${lab.token}`);
  }
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(130);
    print(`\n${signal}: stopping the watches...`);
    lab.stop().then(
      () => {
        print('l4lab stopped.');
        process.exit(0);
      },
      (err: unknown) => {
        printError(`l4lab: shutdown failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
}
