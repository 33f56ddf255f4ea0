import { GatehouseError } from './gatehouse-error.js';
import type { RunStatus } from './gql/graphql.js';
import type { RunSummary } from './types.js';

/** Finished: Gatehouse will do nothing more with the run. */
export const TERMINAL_RUN_STATUSES = ['completed', 'failed', 'cancelled', 'handed_off'] as const satisfies readonly RunStatus[];
/** Waiting for a person: a reviewer's approval or the resolution of an exception. */
export const NEEDS_PERSON_RUN_STATUSES = ['waiting_approval', 'in_exception'] as const satisfies readonly RunStatus[];

export type TerminalRunStatus = (typeof TERMINAL_RUN_STATUSES)[number];
export type NeedsPersonRunStatus = (typeof NEEDS_PERSON_RUN_STATUSES)[number];
export type SettledRunStatus = TerminalRunStatus | NeedsPersonRunStatus;

/** A run that stopped moving on its own: finished, or waiting for a person. */
export type SettledRun = RunSummary & { status: SettledRunStatus };

export function isTerminalRun<T extends { status: RunStatus }>(run: T): run is T & { status: TerminalRunStatus } {
  return (TERMINAL_RUN_STATUSES as readonly RunStatus[]).includes(run.status);
}

export function needsPerson<T extends { status: RunStatus }>(run: T): run is T & { status: NeedsPersonRunStatus } {
  return (NEEDS_PERSON_RUN_STATUSES as readonly RunStatus[]).includes(run.status);
}

export interface WaitForRunOptions {
  /** Give up (WAIT_TIMEOUT; the run goes on) after this long. Default 60 s. */
  timeoutMs?: number;
  /** Between polls. Default 500 ms. */
  pollIntervalMs?: number;
  /** Stop waiting early. */
  signal?: AbortSignal;
}

export interface StartRunAndWaitInput extends WaitForRunOptions {
  workflowKey: string;
  input: unknown;
  /** Same key and input → the same run, so calling again after a crash resumes the wait. */
  idempotencyKey: string;
  externalRef?: string | null;
}

export interface StartRunAndWaitResult {
  run: SettledRun;
  /** The idempotency key had already started this run. */
  replayed: boolean;
}

interface RunStatusSource {
  runStatus(id: string, options?: { signal?: AbortSignal }): Promise<RunSummary>;
}

/**
 * Polls the run until it is terminal or needs a person. Polling rather than a subscription keeps
 * the SDK to plain HTTP; webhooks are the push alternative (docs/webhooks.md).
 */
export async function waitForRun(client: RunStatusSource, runId: string, options: WaitForRunOptions = {}): Promise<SettledRun> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.runStatus(runId, options.signal ? { signal: options.signal } : undefined);
    if (isTerminalRun(run) || needsPerson(run)) return run;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new GatehouseError({
        code: 'WAIT_TIMEOUT',
        message: `Run ${runId} is still ${run.status} after ${timeoutMs} ms; it goes on (wait again with waitForRun).`,
        details: { runId, status: run.status },
      });
    }
    await delay(Math.min(pollIntervalMs, left), options.signal);
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
