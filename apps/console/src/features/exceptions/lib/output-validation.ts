import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * The reviewer's corrected output, checked in the browser against the failing step's output
 * schema (the same contract the API enforces on override_output), so problems are listed while
 * typing instead of after a round trip. Formats (email, date…) are left to the API: the console
 * ships no format plugin, and the API still refuses an output that breaks one.
 */
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const compiled = new WeakMap<object, ValidateFunction | Error>();

export interface OutputCheck {
  /** The parsed value when the text is JSON (valid against the schema or not). */
  readonly value: unknown;
  readonly parsed: boolean;
  /** Every problem, as a person reads it; empty when the output may be submitted. */
  readonly problems: readonly string[];
}

function validatorFor(schema: object): ValidateFunction | Error {
  let validator = compiled.get(schema);
  if (!validator) {
    try {
      validator = ajv.compile(schema);
    } catch (error) {
      validator = error instanceof Error ? error : new Error(String(error));
    }
    compiled.set(schema, validator);
  }
  return validator;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '(the whole output)';
  const allowed = error.keyword === 'enum' ? `: ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return `${where} ${error.message ?? 'is invalid'}${allowed}`;
}

export function checkOutput(text: string, schema: unknown): OutputCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { value: undefined, parsed: false, problems: [`Not valid JSON: ${detail}`] };
  }
  if (schema === null || schema === undefined || typeof schema !== 'object') return { value, parsed: true, problems: [] };
  const validator = validatorFor(schema);
  if (validator instanceof Error) {
    // A schema ajv cannot compile in the browser: let the API, which validates anyway, decide.
    return { value, parsed: true, problems: [] };
  }
  return validator(value) ? { value, parsed: true, problems: [] } : { value, parsed: true, problems: (validator.errors ?? []).map(describe) };
}
