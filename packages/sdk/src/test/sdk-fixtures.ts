import { GatehouseClient, type GatehouseClientOptions } from '../index.js';

// The API's own test harness and fixtures: a real server on a fresh database.
export { driveRun, KEYS, publishedWorkflow, startTestApi, VALID_INPUT, type TestApi } from '@gatehouse/api/testing';

/** Support triage has no agent step; driveRun still wants a model. */
export const NO_MODEL = { model: () => ({ output: {} }) };

export function clientFor(baseUrl: string, apiKey: string, options: Partial<GatehouseClientOptions> = {}): GatehouseClient {
  return new GatehouseClient({ baseUrl, apiKey, retry: { retries: 2, minDelayMs: 10, maxDelayMs: 50 }, ...options });
}

/** The rejection of a promise, for asserting on errors. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
