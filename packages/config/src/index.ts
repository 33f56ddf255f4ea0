export * from './env.js';
export { exitAfterFlush, type FlushableLogger } from './exit.js';
