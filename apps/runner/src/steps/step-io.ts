import type { Logger } from 'pino';
import { inSpan, SPAN_ATTRIBUTES, SpanKind, SpanStatusCode } from '@gatehouse/telemetry';
import { createAgentExecutor, describeTarget, emptyTrace, sendActionWebhook } from '../executors/index.js';
import type { RunnerEnv } from '../env.js';
import type { StepIo } from './execute-step.js';

/**
 * The real outside world for steps: the OpenAI-compatible provider for agent steps and signed
 * webhooks for actions. A step's own timeoutMs wins over the configured default.
 */
export function createStepIo(env: Pick<RunnerEnv, 'AGENT_BASE_URL' | 'AGENT_API_KEY' | 'AGENT_TIMEOUT_MS' | 'agentPrices' | 'ACTION_WEBHOOK_URL' | 'ACTION_TIMEOUT_MS' | 'actionSecret'>, logger: Logger): StepIo {
  const agent = createAgentExecutor({ baseURL: env.AGENT_BASE_URL, apiKey: env.AGENT_API_KEY ?? 'not-configured', timeoutMs: env.AGENT_TIMEOUT_MS, prices: env.agentPrices });
  return {
    callAgent: async (step, scope) => {
      // The built-in rules provider classifies in `rules` steps; it has no model to answer an
      // agent step's prompt, so such a step fails clearly instead of calling a remote model.
      if (step.provider !== 'openai') {
        return { ok: false, reason: 'model_error', retryable: false, message: `Agent step "${step.id}" names provider "${step.provider}", which cannot answer prompts; use a rules step or provider "openai".`, trace: emptyTrace() };
      }
      return agent.run(step, scope, step.timeoutMs ? AbortSignal.timeout(step.timeoutMs) : undefined);
    },
    sendAction: async ({ step, args, runId, idempotencyKey }) => {
      const url = step.webhookUrl ?? env.ACTION_WEBHOOK_URL;
      if (!url) {
        logger.warn({ runId, stepId: step.id, action: step.action }, 'action has no webhook URL and ACTION_WEBHOOK_URL is not set');
        return {
          ok: false,
          reason: 'tool_error',
          retryable: false,
          message: `Action "${step.action}" has no webhookUrl and the runner has no ACTION_WEBHOOK_URL to send it to.`,
          trace: emptyTrace({ provider: 'webhook' }),
        };
      }
      // A client span of its own: the receiver's side joins the trace under it (traceparent header).
      return inSpan(`action ${step.action}`, { [SPAN_ATTRIBUTES.runId]: runId, [SPAN_ATTRIBUTES.stepId]: step.id, 'gatehouse.action': step.action, 'server.address': describeTarget(url) }, async (span) => {
        const outcome = await sendActionWebhook({ url, secret: env.actionSecret, action: step.action, args, idempotencyKey, runId, stepId: step.id, timeoutMs: step.timeoutMs ?? env.ACTION_TIMEOUT_MS });
        if (!outcome.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.message });
        return outcome;
      }, undefined, SpanKind.CLIENT);
    },
  };
}
