import { useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { METRICS_QUERY, METRICS_WORKFLOWS_QUERY } from '../api/metrics.query.js';
import type { MetricsVariables } from '../lib/period.js';

export function useMetrics(variables: MetricsVariables | null) {
  return useGraphQLQuery(
    METRICS_QUERY,
    variables ?? { workflowKey: null, from: '', to: '', bucket: 'day' },
    { enabled: variables !== null, placeholderData: (previous) => previous },
  );
}

export function useMetricsWorkflowOptions() {
  return useGraphQLQuery(METRICS_WORKFLOWS_QUERY, {}, { staleTime: 60_000 });
}
