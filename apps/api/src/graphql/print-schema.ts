import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { buildGatehouseSchema } from './schema.js';

/**
 * Writes apps/api/schema.graphql: the contract integrators and the console's generated types
 * build on. A test fails when it is stale, so every schema change shows up in review.
 */
export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema.graphql');

export async function printGatehouseSchema(): Promise<string> {
  return `${printSchema(await buildGatehouseSchema())}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  writeFileSync(SCHEMA_FILE, await printGatehouseSchema());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
