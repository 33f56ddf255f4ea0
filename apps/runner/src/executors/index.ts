export * from './step-result.js';
export * from './agent-executor.js';
export * from './action-webhook.js';
