import type { JsonValue } from './json-schema.js';
import { memoizeByObject } from './memo-by-object.js';
import { PII_DETECTORS, redactionMarker, redactText, isCardNumber, type PiiDetector } from './redaction-detectors.js';

export * from './redaction-detectors.js';

/** A workflow's privacy settings (definition `privacy`). Absent: every detector on, no paths. */
export interface PrivacyPolicy {
  /** JSON paths whose values are always redacted, e.g. "$.customerEmail", "$.items[*].card". */
  redactPaths?: string[];
  /** The detectors that scan every string; default all of PII_DETECTORS, [] turns them off. */
  detectors?: PiiDetector[];
}

/** One step of a parsed JSON path: an object key, an array index, or any member (`*`). */
export type JsonPathSegment = { key: string } | { index: number } | { any: true };

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\.\*|\[\*\]|\[(0|[1-9]\d{0,8})\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\])/;

/**
 * Parses the JSON path subset redactPaths accept: `$` followed by `.name`, `['any name']`,
 * `["any name"]`, `[0]`, `.*` or `[*]`. Filters, slices and recursive descent (`..`) are
 * refused, so a path always names a fixed shape. Returns an error message instead of throwing.
 */
export function parseJsonPath(path: string): { ok: true; segments: JsonPathSegment[] } | { ok: false; message: string } {
  if (!path.startsWith('$')) return { ok: false, message: 'must start with "$" (e.g. "$.customer.email")' };
  const segments: JsonPathSegment[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m) {
      return { ok: false, message: `cannot be read at "${rest}": use .name, ['name'], [0], .* or [*] (filters and ".." are not supported)` };
    }
    if (m[1] !== undefined) segments.push({ key: m[1] });
    else if (m[2] !== undefined) segments.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) segments.push({ key: m[3].replace(/\\(.)/g, '$1') });
    else if (m[4] !== undefined) segments.push({ key: m[4].replace(/\\(.)/g, '$1') });
    else segments.push({ any: true });
    rest = rest.slice(m[0].length);
  }
  if (segments.length === 0) return { ok: false, message: 'must name a field below "$", not the whole document' };
  return { ok: true, segments };
}

/** What was redacted in one payload or one step attempt: stored with the attempt. */
export interface RedactionSummary {
  /** Values replaced, in all. */
  total: number;
  /** The configured paths that matched at least once, as written in the definition. */
  paths: string[];
  /** Values replaced per detector, in PII_DETECTORS order (only detectors that found something). */
  detectors: Array<{ detector: PiiDetector; count: number }>;
  /** Where, as JSON Pointers into the stored record (e.g. "/input/card/number"); at most 50. */
  locations: string[];
}

export const MAX_REDACTION_LOCATIONS = 50;

export const emptyRedactionSummary = (): RedactionSummary => ({ total: 0, paths: [], detectors: [], locations: [] });

function addCounts(into: RedactionSummary['detectors'], found: Partial<Record<PiiDetector, number>>): RedactionSummary['detectors'] {
  const counts = new Map(into.map((d) => [d.detector, d.count]));
  for (const [d, n] of Object.entries(found) as Array<[PiiDetector, number]>) counts.set(d, (counts.get(d) ?? 0) + n);
  return PII_DETECTORS.filter((d) => counts.has(d)).map((detector) => ({ detector, count: counts.get(detector)! }));
}

export function mergeRedactionSummaries(a: RedactionSummary, b: RedactionSummary): RedactionSummary {
  // Most traces have nothing to redact: merging an empty summary changes nothing.
  if (b.total === 0 && b.paths.length === 0) return a;
  if (a.total === 0 && a.paths.length === 0) return { ...b, locations: b.locations.slice(0, MAX_REDACTION_LOCATIONS) };
  return {
    total: a.total + b.total,
    paths: [...new Set([...a.paths, ...b.paths])],
    detectors: addCounts(a.detectors, Object.fromEntries(b.detectors.map((d) => [d.detector, d.count]))),
    locations: [...a.locations, ...b.locations].slice(0, MAX_REDACTION_LOCATIONS),
  };
}

interface CompiledPolicy {
  paths: Array<{ path: string; segments: JsonPathSegment[] }>;
  detectors: readonly PiiDetector[];
}

const DEFAULT_POLICY: CompiledPolicy = { paths: [], detectors: PII_DETECTORS };

function compile(policy: PrivacyPolicy | undefined): CompiledPolicy {
  return policy ? compileOnce(policy) : DEFAULT_POLICY;
}

/** Compiled once per policy object (a definition's, reused for every step of its runs). */
const compileOnce = memoizeByObject((policy: PrivacyPolicy): CompiledPolicy => {
  const paths = (policy.redactPaths ?? []).flatMap((path) => {
    const parsed = parseJsonPath(path);
    // Definitions are validated at proposal; an unparsable path in a stored one is skipped, not fatal.
    return parsed.ok ? [{ path, segments: parsed.segments }] : [];
  });
  return { paths, detectors: policy.detectors ?? PII_DETECTORS };
});

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Redacts one JSON document: first every value a configured path names (replaced whole by
 * "[REDACTED:path]"), then every detected value in the remaining strings (replaced in place
 * by "[REDACTED:<detector>]"); integers that are card numbers become "[REDACTED:card]".
 * `pathRoots` are the JSON Pointers inside the document at which the paths are applied
 * ("" = the document itself). Pure and deterministic; the input is not modified, and the
 * result shares the parts that needed no redaction with it (treat both as immutable).
 * `at` prefixes the recorded locations (the column the document is stored in).
 */
export function redactDocument(
  value: JsonValue,
  policy: PrivacyPolicy | undefined,
  options: { at?: string; pathRoots?: readonly string[] } = {},
): { value: JsonValue; summary: RedactionSummary } {
  const compiled = compile(policy);
  const summary = emptyRedactionSummary();
  const record = (pointer: string) => {
    summary.total += 1;
    if (summary.locations.length < MAX_REDACTION_LOCATIONS) summary.locations.push(`${options.at ?? ''}${pointer}`);
  };

  // 1. Paths: walk a copy, replacing matched values. Marked pointers are skipped by the detectors.
  let doc = value;
  const pathHits = new Set<string>();
  if (compiled.paths.length > 0) doc = structuredClone(value);
  for (const root of compiled.paths.length > 0 ? (options.pathRoots ?? ['']) : []) {
    for (const { path, segments } of compiled.paths) {
      const replace = (node: JsonValue, i: number, pointer: string): JsonValue => {
        if (i === segments.length) {
          if (!pathHits.has(pointer)) {
            pathHits.add(pointer);
            record(pointer);
            if (!summary.paths.includes(path)) summary.paths.push(path);
          }
          return redactionMarker('path');
        }
        if (node === null || typeof node !== 'object') return node;
        const seg = segments[i]!;
        if (Array.isArray(node)) {
          if ('key' in seg) return node;
          return node.map((child, j) => ('index' in seg && seg.index !== j ? child : replace(child, i + 1, `${pointer}/${j}`)));
        }
        if ('index' in seg) return node;
        const out: Record<string, JsonValue> = {};
        for (const [k, child] of Object.entries(node)) {
          out[k] = ('key' in seg && seg.key !== k) || child === undefined ? child : replace(child, i + 1, `${pointer}/${escapePointer(k)}`);
        }
        return out;
      };
      doc = replaceAt(doc, root, (sub) => replace(sub, 0, root));
    }
  }

  // 2. Detectors over every string (and card-number integers) not already replaced by a path.
  // This runs on every step's trace in the runner, so it allocates only for what it replaces:
  // the pointer of a node is built only when needed (`keys` is the path to it), a string that
  // holds neither a digit nor "@" (which every detector needs) is not scanned, and containers
  // are copied only along the way to a replaced value (unchanged subtrees are shared).
  const keys: string[] = [];
  const pointerHere = () => keys.map((k) => `/${k}`).join('');
  const scan = (node: JsonValue): JsonValue => {
    if (pathHits.size > 0 && pathHits.has(pointerHere())) return node;
    if (typeof node === 'string') {
      if (!MAYBE_PII.test(node)) return node;
      const { text, found } = redactText(node, compiled.detectors);
      const n = Object.values(found).reduce((s, x) => s + x, 0);
      if (n === 0) return node;
      summary.detectors = addCounts(summary.detectors, found);
      summary.total += n - 1;
      record(pointerHere());
      return text;
    }
    if (typeof node === 'number') {
      // A card number has 13–19 digits (negative integers count: the sign is not a digit).
      if (compiled.detectors.includes('card') && Number.isSafeInteger(node) && Math.abs(node) >= 1e12 && isCardNumber(String(node))) {
        summary.detectors = addCounts(summary.detectors, { card: 1 });
        record(pointerHere());
        return redactionMarker('card');
      }
      return node;
    }
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) {
      let copy: JsonValue[] | null = null;
      for (let j = 0; j < node.length; j++) {
        keys.push(String(j));
        const scanned = scan(node[j]!);
        keys.pop();
        if (scanned !== node[j]) (copy ??= node.slice())[j] = scanned;
      }
      return copy ?? node;
    }
    let copy: Record<string, JsonValue> | null = null;
    for (const k of Object.keys(node)) {
      const child = node[k];
      if (child === undefined) continue;
      keys.push(escapePointer(k));
      const scanned = scan(child);
      keys.pop();
      if (scanned !== child) (copy ??= { ...node })[k] = scanned;
    }
    return copy ?? node;
  };
  if (compiled.detectors.length > 0) doc = scan(doc);
  return { value: doc, summary };
}

/** Every detector's pattern needs a digit or an "@": a string with neither cannot match. */
const MAYBE_PII = /[\d@]/;

/** Applies `fn` to the node at `pointer` (RFC 6901) and returns the document with it replaced; absent pointers change nothing. */
function replaceAt(doc: JsonValue, pointer: string, fn: (node: JsonValue) => JsonValue): JsonValue {
  if (pointer === '') return fn(doc);
  const [head, ...rest] = pointer.slice(1).split('/');
  const key = head!.replace(/~1/g, '/').replace(/~0/g, '~');
  const restPointer = rest.length ? `/${rest.join('/')}` : '';
  if (key === '*') {
    if (doc === null || typeof doc !== 'object') return doc;
    if (Array.isArray(doc)) return doc.map((child) => replaceAt(child, restPointer, fn));
    return Object.fromEntries(Object.entries(doc).map(([k, child]) => [k, child === undefined ? child : replaceAt(child, restPointer, fn)]));
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || !Object.prototype.hasOwnProperty.call(doc, key)) return doc;
  return { ...doc, [key]: replaceAt(doc[key]!, restPointer, fn) };
}

/** Where the paths apply inside an agent step's recorded input ({ input, steps }): the run input and each earlier step's output. */
export const AGENT_SCOPE_PATH_ROOTS = ['', '/input', '/steps/*'] as const;
/** Where the paths apply inside a gated step's recorded output ({ proposed }): the proposal itself. */
export const GATE_OUTPUT_PATH_ROOTS = ['', '/proposed'] as const;

/** The parts of a step attempt that are stored as its trace. */
export interface StepTracePayloads {
  input: JsonValue | null;
  output: JsonValue | null;
  validation: JsonValue | null;
  error: JsonValue | null;
}

/**
 * Redacts a step attempt's trace before it is stored: its input (for an agent step, the scope
 * it saw), output, and the validation/error payloads that may echo them. Returns the redacted
 * payloads and one summary for the attempt, whose locations are pointers prefixed by the field.
 */
export function redactStepTrace(
  payloads: StepTracePayloads,
  policy: PrivacyPolicy | undefined,
  options: { pathRoots?: Partial<Record<keyof StepTracePayloads, readonly string[]>> } = {},
): { payloads: StepTracePayloads; summary: RedactionSummary } {
  let summary = emptyRedactionSummary();
  const out = { ...payloads };
  for (const field of ['input', 'output', 'validation', 'error'] as const) {
    const value = payloads[field];
    if (value === null) continue;
    const pathRoots = options.pathRoots?.[field] ?? [''];
    const redacted = redactDocument(value, policy, { at: `/${field}`, pathRoots });
    out[field] = redacted.value;
    summary = mergeRedactionSummaries(summary, redacted.summary);
  }
  return { payloads: out, summary };
}
