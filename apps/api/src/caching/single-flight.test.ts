import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.js';

describe('SingleFlight', () => {
  it('shares the call in flight per key, starts anew once it settled (also after a failure), and forget stops the sharing', async () => {
    const flights = new SingleFlight<string, number>();
    let calls = 0;
    let release!: (n: number) => void;
    const call = () => {
      calls++;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const a = flights.run('k', call);
    const b = flights.run('k', call);
    expect(calls).toBe(1);
    release(7);
    expect(await Promise.all([a, b])).toEqual([7, 7]);

    await expect(flights.run('k', () => (calls++, Promise.reject(new Error('down'))))).rejects.toThrow('down');
    expect(calls).toBe(2);

    const before = flights.run('k', call);
    const releaseBefore = release;
    flights.forget();
    const after = flights.run('k', call);
    expect(calls).toBe(4);
    releaseBefore(1);
    expect(await before).toBe(1);
    // The old call settling did not drop the newer one: a third caller shares it.
    const third = flights.run('k', call);
    expect(calls).toBe(4);
    release(2);
    expect([await after, await third]).toEqual([2, 2]);
  });
});
