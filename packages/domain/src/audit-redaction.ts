import type { JsonValue } from './json-schema.js';
import { PII_DETECTORS, redactionMarker } from './redaction-detectors.js';
import { emptyRedactionSummary, mergeRedactionSummaries, parseJsonPath, redactDocument, type JsonPathSegment, type PrivacyPolicy, type RedactionSummary } from './redaction.js';

/*
 * Audit events are kept forever (append-only, hash-chained, never purged), so personal data must
 * not reach them. Event data carry ids and facts, and a few fields carry payloads or text that can
 * quote one; those are redacted when the event becomes an audit row (docs/security.md, "Privacy").
 */

/** Event data fields whose value is a payload: action arguments, drafts, edits, outputs, outcomes. */
export const AUDIT_PAYLOAD_FIELDS = ['args', 'proposed', 'edited', 'output', 'outcome', 'value', 'input', 'humanOutcome', 'aiOutcome'] as const;
/** Event data fields holding a JSON Patch against a payload (an approval's edit): each op's `value` is payload. */
export const AUDIT_PATCH_FIELDS = ['diff'] as const;
/** Free text people or errors wrote, which may quote a payload: detectors only (no paths). */
export const AUDIT_TEXT_FIELDS = ['reason', 'note', 'why', 'error', 'changeNote'] as const;

/** What an audit event's `data.redactions` says: how many values were replaced, by which rule, where. */
export type AuditRedactions = RedactionSummary;

/**
 * Redacts an event's data for the audit trail. Payload fields get the workflow version's
 * `privacy.redactPaths` (when the caller knows the version) and every detector, whatever the
 * version's `privacy.detectors` say: the audit row cannot be purged later, unlike a trace. Text
 * fields get the detectors. Everything else (ids, statuses, counts, keys) is left as it is.
 * When something was replaced, `data.redactions` records what (never the values).
 */
export function redactAuditData(data: Record<string, unknown>, policy: PrivacyPolicy | undefined): { data: Record<string, unknown>; summary: AuditRedactions } {
  const paths = validPaths(policy?.redactPaths ?? []);
  const payloadPolicy: PrivacyPolicy = { redactPaths: paths.map((p) => p.path), detectors: [...PII_DETECTORS] };
  const textPolicy: PrivacyPolicy = { detectors: [...PII_DETECTORS] };
  let summary = emptyRedactionSummary();
  const out: Record<string, unknown> = { ...data };
  const apply = (field: string, value: JsonValue, p: PrivacyPolicy): JsonValue => {
    const redacted = redactDocument(value, p, { at: `/${field}` });
    summary = mergeRedactionSummaries(summary, redacted.summary);
    return redacted.value;
  };

  for (const field of AUDIT_PAYLOAD_FIELDS) {
    if (out[field] !== undefined && out[field] !== null) out[field] = apply(field, out[field] as JsonValue, payloadPolicy);
  }
  for (const field of AUDIT_TEXT_FIELDS) {
    if (out[field] !== undefined && out[field] !== null) out[field] = apply(field, out[field] as JsonValue, textPolicy);
  }
  for (const field of AUDIT_PATCH_FIELDS) {
    const ops = out[field];
    if (!Array.isArray(ops)) continue;
    out[field] = ops.map((op: unknown, i) => {
      if (op === null || typeof op !== 'object' || !('value' in op)) return op;
      const { path, value } = op as { path?: unknown; value: JsonValue };
      const at = `/${field}/${i}/value`;
      const scope = typeof path === 'string' ? pathsBelow(paths, path) : { whole: false, matched: [], rest: [] };
      if (scope.whole) {
        summary = mergeRedactionSummaries(summary, { total: 1, paths: scope.matched, detectors: [], locations: [at] });
        return { ...op, value: redactionMarker('path') };
      }
      const redacted = redactDocument(value, { redactPaths: scope.rest.map((r) => r.below), detectors: [...PII_DETECTORS] }, { at });
      // Name the paths as the definition writes them, not as re-rooted at the value.
      const original = new Map(scope.rest.map((r) => [r.below, r.path]));
      summary = mergeRedactionSummaries(summary, { ...redacted.summary, paths: redacted.summary.paths.map((p) => original.get(p) ?? p) });
      return { ...op, value: redacted.value };
    });
  }
  if (summary.total > 0) out.redactions = summary;
  return { data: out, summary };
}

interface CompiledPath {
  path: string;
  segments: JsonPathSegment[];
}

/** The policy's paths that parse (proposeWorkflowVersion refuses others; a stored bad one is skipped, not fatal). */
function validPaths(paths: readonly string[]): CompiledPath[] {
  const out: CompiledPath[] = [];
  for (const path of paths) {
    const parsed = parseJsonPath(path);
    if (parsed.ok) out.push({ path, segments: parsed.segments });
  }
  return out;
}

/**
 * How the policy's paths (rooted at the payload) apply to a patch op's value at `pointer`: the
 * whole value when a path names it or something above it; otherwise the parts of paths that
 * reach below it, re-rooted at the value.
 */
function pathsBelow(paths: readonly CompiledPath[], pointer: string): { whole: boolean; matched: string[]; rest: Array<{ path: string; below: string }> } {
  const tokens = pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  const matched: string[] = [];
  const rest: Array<{ path: string; below: string }> = [];
  for (const { path, segments } of paths) {
    const shared = Math.min(segments.length, tokens.length);
    let agrees = true;
    for (let i = 0; i < shared && agrees; i++) agrees = segmentMatches(segments[i]!, tokens[i]!);
    if (!agrees) continue;
    if (segments.length <= tokens.length) matched.push(path);
    else rest.push({ path, below: `$${segments.slice(tokens.length).map(segmentText).join('')}` });
  }
  return { whole: matched.length > 0, matched, rest };
}

function segmentMatches(segment: JsonPathSegment, token: string): boolean {
  if ('any' in segment) return true;
  if ('index' in segment) return String(segment.index) === token;
  return segment.key === token;
}

function segmentText(segment: JsonPathSegment): string {
  if ('any' in segment) return '[*]';
  if ('index' in segment) return `[${segment.index}]`;
  return `['${segment.key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}
