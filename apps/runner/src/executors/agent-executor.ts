import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  formatIssues,
  renderTemplate,
  validateAgainstSchema,
  type AgentStep,
  type ExceptionReason,
  type JsonValue,
} from '@gatehouse/domain';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';
import { emptyTrace, type ExecutorOutcome, type StepTrace } from './step-result.js';

/** USD per million tokens, by model name as written in the step definition. */
export type PriceTable = Record<string, { inputPerMillionUsd: number; outputPerMillionUsd: number }>;

export interface AgentExecutorConfig {
  baseURL: string;
  apiKey: string;
  timeoutMs: number;
  prices: PriceTable;
}

export interface AgentScope {
  /** The run input. */
  input: JsonValue;
  /** Outputs of earlier steps, by step id. */
  steps: Record<string, JsonValue>;
}

export interface AgentExecutor {
  run(step: AgentStep, scope: AgentScope, signal?: AbortSignal): Promise<ExecutorOutcome>;
}

const priceEntry = z.strictObject({
  inputPerMillionUsd: z.number().nonnegative(),
  outputPerMillionUsd: z.number().nonnegative(),
});
const priceTableSchema = z.record(z.string().min(1), priceEntry);

/**
 * Parses `AGENT_PRICES_JSON`, e.g. `{"gpt-4o-mini":{"inputPerMillionUsd":0.15,"outputPerMillionUsd":0.6}}`.
 * Unset or blank means "no prices known": costs are then recorded as null rather than guessed.
 */
export function parsePriceTable(json: string | undefined): PriceTable {
  if (json === undefined || json.trim() === '') return {};
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new Error(`AGENT_PRICES_JSON is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = priceTableSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [model, ...rest] = issue.path.map(String);
    const where = model === undefined ? 'the value' : `entry "${model}"${rest.length > 0 ? ` (${rest.join('.')})` : ''}`;
    throw new Error(
      `AGENT_PRICES_JSON: ${where}: ${issue.message}; expected {"<model>": {"inputPerMillionUsd": number, "outputPerMillionUsd": number}}`,
    );
  }
  return parsed.data;
}

/** Identifies the prompt template (not its rendering), so attempts can be grouped by prompt version. */
export function promptVersionOf(template: string): string {
  return createHash('sha256').update(template, 'utf8').digest('hex').slice(0, 16);
}

function costOf(prices: PriceTable, model: string, tokensIn: number | null, tokensOut: number | null): number | null {
  const price = prices[model];
  if (!price || tokensIn === null || tokensOut === null) return null;
  const usd = (tokensIn * price.inputPerMillionUsd + tokensOut * price.outputPerMillionUsd) / 1_000_000;
  return Math.round(usd * 1e6) / 1e6;
}

function confidenceOf(output: JsonValue): number | null {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return null;
  const c = output['confidence'];
  return typeof c === 'number' && c >= 0 && c <= 1 ? c : null;
}

export function createAgentExecutor(config: AgentExecutorConfig): AgentExecutor {
  // maxRetries 0: the runner owns retries (with backoff, attempt records and idempotency);
  // SDK retries would hide attempts from the trace and multiply the timeout.
  const client = new OpenAI({ baseURL: config.baseURL, apiKey: config.apiKey, timeout: config.timeoutMs, maxRetries: 0 });

  /** Providers sometimes echo the key (masked or not) in error text; it must never reach a reviewer. */
  const redact = (text: string): string =>
    config.apiKey.length >= 4 ? text.split(config.apiKey).join('[redacted]') : text;

  return {
    async run(step, scope, signal) {
      const started = performance.now();
      const trace: StepTrace = emptyTrace({ provider: 'openai', model: step.model, promptVersion: promptVersionOf(step.prompt) });
      const fail = (
        reason: ExceptionReason,
        retryable: boolean,
        message: string,
        details?: Record<string, JsonValue>,
      ): ExecutorOutcome => ({
        ok: false,
        reason,
        retryable,
        message: redact(message),
        ...(details ? { details } : {}),
        trace: { ...trace, latencyMs: Math.round(performance.now() - started) },
      });

      const rendered = renderTemplate(step.prompt, { input: scope.input, steps: scope.steps });
      if (rendered.missing.length > 0) {
        // Never ask a model to fill gaps in its own instructions: the data must come from a person.
        return fail('missing_data', false, `prompt of step "${step.id}" lacks data: ${rendered.missing.join(', ')}`, {
          missing: rendered.missing,
        });
      }

      // The SDK's `timeout` only covers the wait for response headers; this deadline also
      // bounds reading the body, and combines with the caller's signal (shutdown, cancel).
      const deadline = AbortSignal.timeout(config.timeoutMs);
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await client.chat.completions.create(
          {
            model: step.model,
            messages: [
              { role: 'system', content: rendered.text },
              { role: 'user', content: JSON.stringify(scope.input) },
            ],
            // strict: false because step schemas are user-written and need not meet OpenAI's
            // strict-mode subset; we validate the reply ourselves below.
            response_format: {
              type: 'json_schema',
              json_schema: { name: 'step_output', schema: step.outputSchema, strict: false },
            },
          },
          { signal: signal ? AbortSignal.any([signal, deadline]) : deadline, timeout: config.timeoutMs, maxRetries: 0 },
        );
      } catch (err) {
        return classifyError(err, { timeoutMs: config.timeoutMs, deadline, signal, fail });
      }

      // The response's model names what actually served the call (e.g. a dated snapshot).
      const servedModel = typeof completion.model === 'string' && completion.model !== '' ? completion.model : step.model;
      trace.model = servedModel;
      trace.tokensIn = completion.usage?.prompt_tokens ?? null;
      trace.tokensOut = completion.usage?.completion_tokens ?? null;
      trace.costUsd =
        costOf(config.prices, step.model, trace.tokensIn, trace.tokensOut) ??
        costOf(config.prices, servedModel, trace.tokensIn, trace.tokensOut);

      const choice = Array.isArray(completion.choices) ? completion.choices[0] : undefined;
      if (!choice?.message) {
        return fail('model_error', false, `provider reply for step "${step.id}" has no choices`);
      }
      const finishReason = choice.finish_reason ?? null;
      if (choice.message.refusal) {
        return fail('invalid_output', false, `model refused: ${choice.message.refusal}`, {
          refusal: choice.message.refusal,
          finishReason,
        });
      }
      const content = choice.message.content ?? '';
      let output: JsonValue;
      try {
        output = JSON.parse(content) as JsonValue;
      } catch (err) {
        return fail('invalid_output', false, `model reply is not JSON: ${(err as Error).message}`, {
          issues: [{ path: '/', message: 'reply is not valid JSON' }],
          content: content.slice(0, 2000),
          finishReason,
        });
      }
      const issues = validateAgainstSchema(step.outputSchema, output);
      if (issues.length > 0) {
        return fail('invalid_output', false, `model reply does not match the output schema: ${formatIssues(issues)}`, {
          issues: issues.map((i) => ({ path: i.path, message: i.message })),
          output,
          finishReason,
        });
      }
      // A confidence below step.minConfidence is the runner's decision (low_confidence), not a failure here.
      trace.confidence = confidenceOf(output);
      trace.latencyMs = Math.round(performance.now() - started);
      return { ok: true, output, trace };
    },
  };
}

function classifyError(
  err: unknown,
  ctx: {
    timeoutMs: number;
    deadline: AbortSignal;
    signal: AbortSignal | undefined;
    fail: (reason: ExceptionReason, retryable: boolean, message: string, details?: Record<string, JsonValue>) => ExecutorOutcome;
  },
): ExecutorOutcome {
  const { fail } = ctx;
  const aborted =
    err instanceof APIConnectionTimeoutError ||
    err instanceof APIUserAbortError ||
    (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) ||
    ctx.deadline.aborted ||
    ctx.signal?.aborted === true;
  if (aborted) {
    const byCaller = ctx.signal?.aborted === true && !ctx.deadline.aborted;
    return fail('timeout', true, byCaller ? 'model call aborted by the runner' : `model call timed out after ${ctx.timeoutMs} ms`);
  }
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return fail('model_error', true, `could not reach the model provider (${err.message}${cause})`);
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    // 408 / 429 / 5xx are the provider being busy or briefly broken; other 4xx (bad key,
    // unknown model, bad request) will fail the same way again until someone changes config.
    const status = err.status;
    const retryable = status === 408 || status === 429 || status >= 500;
    const details: Record<string, JsonValue> = { status };
    if (err.code) details['code'] = err.code;
    if (err.requestID) details['requestId'] = err.requestID;
    return fail('model_error', retryable, `model provider answered ${err.message}`, details);
  }
  return fail('model_error', false, `model call failed: ${err instanceof Error ? err.message : String(err)}`);
}
