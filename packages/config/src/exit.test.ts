import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitAfterFlush } from './exit.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('exitAfterFlush', () => {
  it('exits with the code only after the logger has flushed', async () => {
    const order: string[] = [];
    vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
      order.push(`exit ${code}`);
    }) as never);
    const logger = { flush: (cb?: () => void) => setTimeout(() => (order.push('flushed'), cb?.()), 5) };
    await exitAfterFlush(logger, 3);
    expect(order).toEqual(['flushed', 'exit 3']);
  });
});
