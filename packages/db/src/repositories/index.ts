// Entity ↔ domain mapping and the load → domain → save building blocks shared by the API
// and the runner. Business rules stay in @gatehouse/domain; these only persist its results.
export * from './authorization.js';
export * from './challenger-pairs.js';
export * from './cost-alerts.js';
export * from './dispatch.js';
export * from './evaluation.js';
export * from './hand-offs.js';
export * from './loaders.js';
export * from './parked-dispatches.js';
export * from './run-progress.js';
export * from './run-store.js';
export * from './run.mapper.js';
export * from './transaction.js';
export * from './workflow.mapper.js';
export * from './version-cache.js';
export * from './principals.js';
