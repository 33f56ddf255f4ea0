export * from './step-result.js';
export * from './agent-executor.js';
export * from './action-webhook.js';
export { describeTarget } from '../http/signed-post.js';
