export {
  HostNamespaceError,
  assertLabNamespace,
  hostNetworkNamespace,
  inNamespace,
  inUserNamespace,
  namespaceInode,
  parseNamespaceLink,
} from './identity.ts';
export {
  type MethodTrial,
  type NamespaceMethod,
  type ProbeFacts,
  type ProbeResult,
  gatherFacts,
  judgeProbe,
  probe,
} from './probe.ts';
export {
  type NamespaceRef,
  createNamespace,
  destroyNamespace,
  enterCommand,
  namespaceExists,
  namespaceName,
  processName,
  processesIn,
  runInNamespace,
  spawnInNamespace,
} from './namespace.ts';
export {
  NamespaceBusyError,
  type NamespaceRecord,
  cleanStaleNamespace,
  readRecord,
  recordPath,
  removeRecord,
  runningLab,
  runsInside,
  writeRecord,
} from './record.ts';
export { prepareNamespace } from './prepare.ts';
export { TOOLS, type RunResult, type Tool, requireTool, run, toolPath } from './tools.ts';
