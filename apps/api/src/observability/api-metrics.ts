import { Counter, Histogram, type Registry } from '@gatehouse/telemetry';

/** The API's own instruments (docs/observability.md lists each with its labels). */
export interface ApiMetrics {
  graphqlRequests: Counter<'operation_type' | 'operation'>;
  graphqlDuration: Histogram<'operation_type' | 'operation'>;
  graphqlErrors: Counter<'operation_type' | 'operation' | 'code'>;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createApiMetrics(registry: Registry): ApiMetrics {
  const registers = [registry];
  return {
    graphqlRequests: new Counter({
      name: 'gatehouse_graphql_requests_total',
      help: 'GraphQL operations served, by operation type and root field.',
      labelNames: ['operation_type', 'operation'],
      registers,
    }),
    graphqlDuration: new Histogram({
      name: 'gatehouse_graphql_request_duration_seconds',
      help: 'Time from receiving a GraphQL operation to sending its response, by operation type and root field.',
      labelNames: ['operation_type', 'operation'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    graphqlErrors: new Counter({
      name: 'gatehouse_graphql_errors_total',
      help: 'Errors in GraphQL responses, by public error code (extensions.code).',
      labelNames: ['operation_type', 'operation', 'code'],
      registers,
    }),
    httpRequests: new Counter({
      name: 'gatehouse_http_requests_total',
      help: 'HTTP requests answered, by method, route and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'gatehouse_http_request_duration_seconds',
      help: 'HTTP request duration until the response is sent, by method and route.',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
  };
}
