import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPeriodicJob } from './periodic-job.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('startPeriodicJob', () => {
  it('runs one round at a time: ticks during a slow round are skipped, not queued', async () => {
    vi.useFakeTimers();
    let active = 0;
    let maxActive = 0;
    let rounds = 0;
    const job = startPeriodicJob('test job', 10, async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((resolve) => setTimeout(resolve, 35)); // longer than the interval
      active--;
      rounds++;
    }, { warn: () => undefined });
    await vi.advanceTimersByTimeAsync(200);
    const stopped = job.stop();
    await vi.advanceTimersByTimeAsync(50); // lets the round in flight finish
    await stopped;
    expect(maxActive).toBe(1);
    // 200 ms of 35 ms rounds started on 10 ms ticks: 5 rounds (each waits for the next tick), not 20 queued ones.
    expect(rounds).toBeGreaterThanOrEqual(4);
    expect(rounds).toBeLessThanOrEqual(6);
  });

  it('logs a failed round with the job name and keeps going', async () => {
    vi.useFakeTimers();
    const warnings: string[] = [];
    let calls = 0;
    const job = startPeriodicJob('flaky job', 10, async () => {
      calls++;
      if (calls === 1) throw new Error('database went away');
    }, { warn: (_obj, msg) => warnings.push(msg) });
    await vi.advanceTimersByTimeAsync(35);
    await job.stop();
    expect(warnings).toEqual(['flaky job failed; trying again next interval']);
    expect(calls).toBeGreaterThanOrEqual(3);
  });

  it('stop() waits for the round in flight and starts no more', async () => {
    vi.useFakeTimers();
    let finished = 0;
    let started = 0;
    const job = startPeriodicJob('job', 10, async () => {
      started++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      finished++;
    }, { warn: () => undefined });
    await vi.advanceTimersByTimeAsync(15); // one round started, in flight
    const stopped = job.stop();
    await vi.advanceTimersByTimeAsync(100);
    await stopped;
    expect([started, finished]).toEqual([1, 1]);
  });

  it('an interval of 0 never runs', async () => {
    vi.useFakeTimers();
    const round = vi.fn(async () => undefined);
    const job = startPeriodicJob('off', 0, round, { warn: () => undefined });
    await vi.advanceTimersByTimeAsync(1000);
    await job.stop();
    expect(round).not.toHaveBeenCalled();
  });
});
