export * from './kube.ts';
export * from './events.ts';
export * from './messages.ts';
export * from './api.ts';
