import type { ApolloServerPlugin } from '@apollo/server';
import { context, SpanStatusCode, trace } from '@gatehouse/telemetry';
import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { ApiMetrics } from './api-metrics.js';

/**
 * Counts, times and names every GraphQL operation. The `operation` label is the first root
 * field's name (not its alias, not the client's operation name): both the schema and the
 * validation step bound it, so clients cannot create label values at will.
 */
export function graphqlObservability(metrics: ApiMetrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let labels = { operation_type: 'unknown', operation: '(unresolved)' };
      return {
        async didResolveOperation({ operation, document }) {
          if (!operation) return;
          labels = { operation_type: operation.operation, operation: firstRootField(operation, document) ?? '(none)' };
          const span = trace.getSpan(context.active());
          span?.updateName(`${labels.operation_type} ${labels.operation}`);
          span?.setAttributes({ 'graphql.operation.type': labels.operation_type, 'graphql.operation.name': labels.operation });
        },
        async willSendResponse({ response }) {
          metrics.graphqlRequests.inc(labels);
          metrics.graphqlDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR'));
          for (const code of codes) metrics.graphqlErrors.inc({ ...labels, code });
          if (codes.length > 0) {
            const span = trace.getSpan(context.active());
            span?.setAttribute('graphql.error_codes', [...new Set(codes)]);
            // Client errors are the client's; only a masked internal error fails the span.
            if (codes.includes('INTERNAL_SERVER_ERROR')) span?.setStatus({ code: SpanStatusCode.ERROR, message: 'internal error' });
          }
        },
      };
    },
  };
}

function firstRootField(operation: OperationDefinitionNode, document: DocumentNode): string | null {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const visit = (set: SelectionSetNode, depth: number): string | null => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) return selection.name.value;
      if (depth > 10) continue;
      const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)?.selectionSet;
      const found = inner ? visit(inner, depth + 1) : null;
      if (found) return found;
    }
    return null;
  };
  return visit(operation.selectionSet, 0);
}
