import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { type MetricsParams, readParams } from '../lib/period.js';

/** The metrics screen's period, bucket and workflow, kept in the URL so a view can be shared. */
export function useMetricsParams(): [MetricsParams, (changes: Partial<Record<keyof MetricsParams, string | null>>) => void] {
  const [search, setSearch] = useSearchParams();
  const params = useMemo(() => readParams(search), [search]);
  const update = useCallback(
    (changes: Partial<Record<keyof MetricsParams, string | null>>) => {
      setSearch(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(changes)) {
            if (value === null || value === '') next.delete(key);
            else next.set(key, value);
          }
          return next;
        },
        { replace: true },
      );
    },
    [setSearch],
  );
  return [params, update];
}
