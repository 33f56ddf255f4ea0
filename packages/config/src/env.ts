import { z } from 'zod';

/**
 * Thrown when the environment does not satisfy an app's schema. The message names every bad
 * variable and why, so an operator can fix the deployment without reading code.
 */
export class EnvValidationError extends Error {
  readonly issues: ReadonlyArray<{ variable: string; problem: string }>;

  constructor(issues: ReadonlyArray<{ variable: string; problem: string }>) {
    super(
      `Invalid environment: ${issues.map((i) => `${i.variable}: ${i.problem}`).join('; ')}`,
    );
    this.name = 'EnvValidationError';
    this.issues = issues;
  }
}

/**
 * Parses the environment once at start. Empty strings count as unset so `FOO=` in a shell
 * does not silently override a default.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvValidationError(
      result.error.issues.map((issue) => ({
        variable: issue.path.join('.') || '(environment)',
        problem: issue.message,
      })),
    );
  }
  return result.data;
}

/** A boolean variable whose default depends on others (e.g. on NODE_ENV): undefined when unset. Accepts true/false/1/0/yes/no (any case). */
export const envOptionalBoolean = () =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), {
      message: 'must be one of true, false, 1, 0, yes, no',
    })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional();

/** A boolean variable with a fixed default. */
export const envBoolean = (defaultValue: boolean) => envOptionalBoolean().transform((v) => v ?? defaultValue);

/** A TCP port number (0 means "pick a free port", useful in tests). */
export const envPort = (defaultValue: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(defaultValue);

export const envPositiveInt = (defaultValue: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .positive('must be greater than 0')
    .default(defaultValue);

/** A postgres:// or postgresql:// connection string. */
export const envDatabaseUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), {
    message: 'must be a postgres:// or postgresql:// connection string',
  });

export const envLogLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');

export const envNodeEnv = z.enum(['development', 'production', 'test']).default('development');

/**
 * Settings every process that touches the database shares. DATABASE_URL is optional: without
 * it the embedded PostgreSQL server is started (development and tests).
 */
export const databaseEnvShape = {
  DATABASE_URL: envDatabaseUrl.optional(),
  GATEHOUSE_PG_DATA_DIR: z.string().optional(),
  GATEHOUSE_PG_PORT: envPort(5433),
  DATABASE_POOL_SIZE: envPositiveInt(10),
};

export const commonEnvShape = {
  NODE_ENV: envNodeEnv,
  LOG_LEVEL: envLogLevel,
};
