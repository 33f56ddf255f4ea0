import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { canonicalJson } from './canonical-json.js';
import { memoizeByObject } from './memo-by-object.js';

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
export type JsonSchema = Record<string, unknown>;

/** One validation problem, addressed by JSON Pointer so a person can find it. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv) => Ajv;

/**
 * One Ajv instance for user-supplied schemas (workflow input and step output schemas).
 * strictSchema is off so documentation keywords such as `example` are accepted, but schemas
 * are still checked against the meta-schema, so `{ "type": "strng" }` is refused.
 * addUsedSchema is off so a schema's `$id` is not registered globally: two versions of a
 * workflow (or two workflows) may use the same `$id` with different content.
 */
const ajv = addFormats(new Ajv({ allErrors: true, strictSchema: false, validateSchema: true, addUsedSchema: false }));

const compiled = new Map<string, ValidateFunction>();

/** ajv reports composite keywords (if/then, anyOf) beside the real cause; keep only the cause. */
function specific(errors: ErrorObject[] | null | undefined): ErrorObject[] {
  const all = errors ?? [];
  const narrowed = all.filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  return narrowed.length > 0 ? narrowed : all;
}

function toIssues(errors: ErrorObject[] | null | undefined, base = ''): ValidationIssue[] {
  return specific(errors).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
        : '';
    // A missing property is reported at its own pointer, where the person will look for it.
    const missing = e.keyword === 'required' ? `/${String((e.params as { missingProperty?: string }).missingProperty)}` : '';
    return { path: `${base}${e.instancePath}${missing}` || '/', message: `${e.message ?? 'is invalid'}${extra}` };
  });
}

/**
 * Checks that `schema` is a usable JSON Schema. Returns the problems, empty when valid.
 * `at` is the JSON Pointer of the schema inside the document being checked.
 */
export function checkJsonSchema(schema: unknown, at: string): ValidationIssue[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return [{ path: at, message: 'must be a JSON Schema object' }];
  }
  try {
    compileSchema(schema as JsonSchema);
    return [];
  } catch (error) {
    const ajvErrors = (error as { errors?: ErrorObject[] }).errors;
    if (ajvErrors?.length) {
      return specific(ajvErrors).map((e) => ({
        path: `${at}${e.instancePath}`,
        message: `is not a valid JSON Schema: ${e.message ?? 'invalid'}`,
      }));
    }
    return [{ path: at, message: `is not a valid JSON Schema: ${(error as Error).message}` }];
  }
}

/*
 * Validators by schema object, in front of the cache by canonical text: a published version's
 * schema is one object for as long as it is cached, so validating a run's input (every startRun)
 * does not serialise the whole schema to find its validator. Schemas are never mutated.
 */
const compileSchema = memoizeByObject((schema: JsonSchema): ValidateFunction => compileByText(schema));

function compileByText(schema: JsonSchema): ValidateFunction {
  const key = canonicalJson(schema);
  let validate = compiled.get(key);
  if (!validate) {
    if (!ajv.validateSchema(schema)) {
      throw Object.assign(new Error('invalid schema'), { errors: ajv.errors });
    }
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/** Validates `value` against `schema`; returns every problem (empty when valid). */
export function validateAgainstSchema(schema: JsonSchema, value: unknown): ValidationIssue[] {
  const validate = compileSchema(schema);
  return validate(value) ? [] : toIssues(validate.errors);
}

/** Validates with a schema we own (the definition meta-schema); issues are prefixed by `base`. */
export function validateWithOwnSchema(
  validate: ValidateFunction,
  value: unknown,
  base = '',
): ValidationIssue[] {
  return validate(value) ? [] : toIssues(validate.errors, base);
}

export function compileOwnSchema(schema: JsonSchema): ValidateFunction {
  return ajv.compile(schema);
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.path} ${i.message}`).join('; ');
}
