import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitAfterFlush } from './exit.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** process.exit recorded into `order` instead of exiting. */
function recordExits(order: string[]): void {
  vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
    order.push(`exit ${code}`);
  }) as never);
}

describe('exitAfterFlush', () => {
  it('exits with the code only after the logger has flushed', async () => {
    const order: string[] = [];
    recordExits(order);
    const logger = { flush: (cb?: () => void) => setTimeout(() => (order.push('flushed'), cb?.()), 5) };
    await exitAfterFlush(logger, 3);
    expect(order).toEqual(['flushed', 'exit 3']);
  });
});

describe('exitAfterFlush with pino', () => {
  it('writes out what the destination still holds (a full pipe refused it) before the exit', async () => {
    const order: string[] = [];
    recordExits(order);
    // pino's shape: its destination under a symbol described 'pino.stream'; flush answers at once.
    const destination = { _writing: true, once: (_event: 'drain', listener: () => void) => setTimeout(() => (order.push('in-flight write done'), listener()), 5), flushSync: () => order.push('held-back lines written') };
    const root = { flush: (cb?: () => void) => (order.push('flushed'), cb?.()), [Symbol('pino.stream')]: destination };
    const child = Object.create(root) as typeof root;
    await exitAfterFlush(child, 0);
    expect(order).toEqual(['flushed', 'in-flight write done', 'held-back lines written', 'exit 0']);
  });

  it('still exits when the destination cannot be written any more', async () => {
    const exits: string[] = [];
    recordExits(exits);
    const logger = {
      flush: (cb?: () => void) => cb?.(),
      [Symbol('pino.stream')]: {
        once: () => undefined,
        flushSync: () => {
          throw new Error('SonicBoom destroyed');
        },
      },
    };
    await exitAfterFlush(logger, 1);
    expect(exits).toEqual(['exit 1']);
  });
});
