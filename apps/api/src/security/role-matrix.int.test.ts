import { OPERATION_ROLES, ROLES, isOperation, type Role } from '@gatehouse/domain';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS } from '../test/fixtures.js';
import { startTestApi, type GqlResult, type TestApi } from '../test/test-api.js';

/**
 * Every root query and mutation of the live schema, called as every role with type-valid dummy
 * arguments, against the role × operation table (OPERATION_ROLES). Generated, so a new
 * operation is covered the day it is added — and fails here if the table has no entry for it.
 */

let api: TestApi;
let schema: GraphQLSchema;

interface RootOperation {
  kind: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
}

function rootOperations(): RootOperation[] {
  const of = (kind: RootOperation['kind'], type: GraphQLObjectType | null | undefined) => Object.values(type?.getFields() ?? {}).map((field) => ({ kind, field }));
  return [...of('query', schema.getQueryType()), ...of('mutation', schema.getMutationType())];
}

/** A GraphQL literal of the type, filled just enough to pass validation. */
function dummyLiteral(type: GraphQLInputType): string {
  if (isNonNullType(type)) return dummyLiteral(type.ofType);
  if (isListType(type)) return `[${dummyLiteral(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const required = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    return `{ ${required.map((f) => `${f.name}: ${dummyLiteral(f.type)}`).join(', ')} }`;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return JSON.stringify(randomUUID());
      case 'String':
        return '"x"';
      case 'Int':
        return '1';
      case 'Float':
        return '1.5';
      case 'Boolean':
        return 'false';
      case 'JSON':
      case 'JSONObject':
        return '{}';
      case 'DateTimeISO':
        return '"2026-01-01T00:00:00.000Z"';
    }
    throw new Error(`The role matrix has no dummy value for scalar ${type.name}; add one to dummyLiteral.`);
  }
  throw new Error(`Unexpected input type ${String(type)}`);
}

/** The operation document: required arguments filled, `__typename` selected (or nothing for a leaf). */
function documentFor({ kind, field }: RootOperation): string {
  const args = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const argText = args.length > 0 ? `(${args.map((a) => `${a.name}: ${dummyLiteral(a.type)}`).join(', ')})` : '';
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${kind} { ${field.name}${argText}${selection} }`;
}

function firstCode(result: GqlResult): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}

function describeResult(result: GqlResult): string {
  return JSON.stringify(result.errors?.[0] ?? result.data).slice(0, 300);
}

beforeAll(async () => {
  api = await startTestApi();
  const introspection = await api.gql<IntrospectionQuery>(KEYS.viewer, getIntrospectionQuery());
  expect(introspection.errors).toBeUndefined();
  schema = buildClientSchema(introspection.data!);
});

afterAll(() => api.close());

describe('role × operation matrix', () => {
  it('every root query and mutation has an entry in OPERATION_ROLES, and every entry is in the schema', () => {
    const names = rootOperations().map((o) => o.field.name);
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((name) => !isOperation(name)), 'schema operations without a role table entry').toEqual([]);
    expect(Object.keys(OPERATION_ROLES).filter((name) => !names.includes(name)), 'table entries for operations the schema does not have').toEqual([]);
  });

  it('every role gets exactly what the table says; without a key every operation is UNAUTHENTICATED', async () => {
    const keyOf: Record<Role, string> = { admin: KEYS.admin, owner: KEYS.owner, reviewer: KEYS.reviewer, integrator: KEYS.integrator, viewer: KEYS.viewer };
    const failures: string[] = [];
    let forbiddenChecked = 0;
    let allowedChecked = 0;
    for (const operation of rootOperations()) {
      const name = operation.field.name;
      const document = documentFor(operation);
      const allowed: readonly Role[] = isOperation(name) ? OPERATION_ROLES[name] : [];

      const anonymous = await api.gql(null, document);
      if (firstCode(anonymous) !== 'UNAUTHENTICATED') failures.push(`${name} without a key: expected UNAUTHENTICATED, got ${describeResult(anonymous)}`);

      for (const role of ROLES) {
        const result = await api.gql(keyOf[role], document);
        const code = firstCode(result);
        if (!allowed.includes(role)) {
          forbiddenChecked += 1;
          if (code !== 'FORBIDDEN') failures.push(`${name} as ${role}: the table forbids it, got ${describeResult(result)}`);
        } else {
          allowedChecked += 1;
          // Dummy arguments usually end in NOT_FOUND, BAD_USER_INPUT, CONFLICT or PRECONDITION_FAILED:
          // fine, the call got past authorization. Validation failures would mean the generator is wrong.
          if (code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' || code === 'GRAPHQL_VALIDATION_FAILED' || code === 'INTERNAL_SERVER_ERROR') {
            failures.push(`${name} as ${role}: the table allows it, got ${describeResult(result)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // The matrix really ran both ways (guards against a generator that silently skipped everything).
    expect(forbiddenChecked).toBeGreaterThan(50);
    expect(allowedChecked).toBeGreaterThan(100);
  });
});

describe('connections', () => {
  it('every field with a `first` argument refuses 0 and 101 with BAD_USER_INPUT and accepts 100', async () => {
    const connections = rootOperations().filter((o) => o.field.args.some((a) => a.name === 'first'));
    expect(connections.map((o) => o.field.name).sort()).toEqual(expect.arrayContaining(['approvals', 'auditTrail', 'costAlerts', 'exceptionQueue', 'runs']));
    for (const operation of connections) {
      const required = operation.field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
      const args = [...required.map((a) => `${a.name}: ${dummyLiteral(a.type)}`)];
      for (const first of [0, 101, 100]) {
        const result = await api.gql(KEYS.admin, `{ ${operation.field.name}(${[...args, `first: ${first}`].join(', ')}) { __typename } }`);
        if (first === 100) expect(result.errors, `${operation.field.name}(first: 100)`).toBeUndefined();
        else expect(firstCode(result), `${operation.field.name}(first: ${first}): ${describeResult(result)}`).toBe('BAD_USER_INPUT');
      }
    }
  });
});
