#!/usr/bin/env -S npx tsx
import { KUBERNETES_MINOR } from '@l4lab/apiserver';
import { agentCommand } from './agentCommand.ts';
import { ConfigError, USAGE, parseConfig } from './config.ts';
import { imageCommand } from './imageCommand.ts';
import { startLab } from './lab.ts';
import { createLogger } from './logger.ts';
import { runRemote } from './remote/runRemote.ts';
import { decideDataplane, launchInNamespace } from './netnsLauncher.ts';
import { type NamespaceChild, adoptLauncher, isNamespaceChild } from './netnsChild.ts';
import { shellCommand } from './shellCommand.ts';

async function main(): Promise<void> {
  if (process.argv[2] === 'image') {
    const code = await imageCommand(
      process.argv.slice(3),
      (line) => console.log(line),
      (line) => console.error(line),
    );
    process.exit(code);
  }
  if (process.argv[2] === 'agent') {
    const print = (line: string) => console.log(line);
    process.exit(await agentCommand(process.argv.slice(3), print, (l) => console.error(l)));
  }
  if (process.argv[2] === 'shell') {
    const print = (line: string) => console.log(line);
    process.exit(await shellCommand(process.argv.slice(3), print, (l) => console.error(l)));
  }
  let config;
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (err) {
    console.error(`l4lab: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exit(err instanceof ConfigError || err instanceof TypeError ? 2 : 1);
  }
  if (config === 'help') {
    console.log(USAGE);
    return;
  }
  // --kubeconfig: show a real cluster through its API server; nothing of the lab runs here.
  if (config.remote) return runRemote(config, console.log, console.error);
  // --dataplane nftables: this process launches the lab inside a network namespace of its own
  // (netnsLauncher.ts); the server inside adopts the listener it passes (netnsChild.ts).
  let namespaceChild: NamespaceChild | undefined;
  if (isNamespaceChild()) {
    namespaceChild = await adoptLauncher().catch((err: unknown) => {
      console.error(`l4lab: inside the lab's namespace: ${String(err)}`);
      return process.exit(1);
    });
    for (const w of namespaceChild.warnings) console.error(`l4lab: warning: ${w}`);
    config = { ...config, listener: namespaceChild.listener };
  } else if (config.dataplane !== 'userspace') {
    const decision = await decideDataplane(config);
    if ('error' in decision) {
      console.error(`l4lab: ${decision.error}`);
      process.exit(1);
    }
    if (decision.note) console.log(decision.note);
    if (decision.dataplane === 'nftables') {
      const print = (line: string) => console.log(line);
      const argv = process.argv.slice(2);
      const { method } = decision;
      process.exit(
        await launchInNamespace({ config, argv, method, print, printError: console.error }),
      );
    }
    config = { ...config, dataplane: 'userspace' as const };
  }
  const logger = createLogger(config.logLevel);
  let lab;
  try {
    lab = await startLab(config, logger);
  } catch (err) {
    const code = (err as { code?: string }).code;
    console.error(
      `l4lab: ${code ? `${code}: ` : ''}${err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(1);
  }
  const { info } = lab;
  const stopLab = namespaceChild ? namespaceChild.stopping(lab.stop, config.workspace) : lab.stop;
  // Stopped in order from here on (a signal, or the launcher gone), before anyone is told the
  // lab is ready: a stop right after `l4lab ready` must find its handlers in place.
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) {
      console.error('l4lab: second signal, exiting now');
      process.exit(130);
    }
    console.log(`\n${signal}: stopping pods and listeners...`);
    stopLab().then(
      () => {
        console.log('l4lab stopped.');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`l4lab: shutdown failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  for (const w of (await namespaceChild?.attach(lab.server, config.host, shutdown)) ?? [])
    console.error(`l4lab: warning: ${w}`);
  for (const r of lab.removedAtStart) console.log(`cleaned up: ${r}`);
  for (const note of lab.stateAtStart) {
    if (note.level === 'warn') console.error(`l4lab: warning: ${note.text}`);
    else console.log(`state: ${note.text}`);
  }
  console.log(`runtime: ${info.runtime} (${info.runtimeReason})`);
  console.log(
    `dataplane: ${info.dataplane}, proxy mode ${info.proxyMode}; addresses: ${info.addressMode}`,
  );
  console.log(`l4lab ready: ${lab.url}`);
  console.log(
    `kubectl: export KUBECONFIG=${lab.kubeconfig}   (a Kubernetes v1.${KUBERNETES_MINOR} API)`,
  );
  if (lab.tutorial)
    console.log(`tutorial files: cd ${lab.tutorial}   (kubectl apply -f pod_test.yaml)`);
  if (lab.workshop) {
    // Workshop mode: the instructor's own URL (their token), where students join, the projector
    // (both on this machine: a wildcard listen is reached on loopback).
    const here = lab.url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
    console.log(`l4lab instructor: ${here}/?token=${lab.token}   (keep this one to yourself)`);
    for (const url of lab.workshop.joinUrls) console.log(`l4lab join: ${url}`);
    console.log(`l4lab projector: ${here}/?token=${lab.workshop.viewerToken}   (watches only)`);
  } else if (lab.token) {
    console.log(`access token: ${lab.token} (listening beyond loopback: API calls need it)`);
    console.log(`open: ${lab.url}/?token=${lab.token}`);
  }
}

void main();
