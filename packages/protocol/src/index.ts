export * from './kube.ts';
export * from './events.ts';
export * from './messages.ts';
export * from './api.ts';
export * from './podStatus.ts';
export * from './resourceTypes.ts';
export * from './limits.ts';
export * from './editorTabs.ts';
