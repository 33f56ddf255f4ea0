import { useEffect, useState } from 'react';

/**
 * The current time in ms, re-read every `intervalMs`, so ages, due times and SLA countdowns
 * count on screen without refetching anything.
 */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
