// @l4lab/dataplane/testing: builders and harnesses for tests of other packages (the agent's).
export * from './conntrack/testRules.ts';
export * from './conntrack/testNamespaceLab.ts';
