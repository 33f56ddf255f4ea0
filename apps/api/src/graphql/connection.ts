import { isUuid } from '@gatehouse/db';
import { DomainError } from '@gatehouse/domain';
import { type ClassType, Field, ObjectType } from 'type-graphql';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** Builds the Relay Edge and Connection object types for a node type. */
export function ConnectionType<T extends object>(name: string, nodeType: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String)
    cursor: string;

    @Field(() => nodeType)
    node: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges: EdgeType[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }
  return ConnectionClass;
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new DomainError('invalid_input', `first must be between 1 and ${MAX_PAGE_SIZE}.`, { field: 'first' });
  }
  return first;
}

/**
 * Cursors are opaque to clients: base64url of the keyset position (a sort value and the id,
 * so rows with equal sort values still page deterministically).
 */
export function encodeCursor(sortValue: string | number, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, kind: 'timestamp' | 'seq' = 'timestamp'): { sortValue: string | number; id: string } | null {
  if (!cursor) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // The position goes into SQL as a timestamptz/bigint and a uuid: a forged value must be
    // refused here, not by PostgreSQL as an internal error.
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string' && isUuid(parsed[1])) {
      const [sortValue, id] = parsed as [unknown, string];
      if (kind === 'seq' && Number.isSafeInteger(sortValue) && (sortValue as number) >= 0) return { sortValue: sortValue as number, id };
      if (kind === 'timestamp' && typeof sortValue === 'string' && ISO_INSTANT.test(sortValue) && !Number.isNaN(Date.parse(sortValue))) return { sortValue, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new DomainError('invalid_input', 'The after cursor is not one this API issued; pass the endCursor from a previous page.', { field: 'after' });
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** Turns rows fetched with limit+1 into a page. */
export function toConnection<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Connection<T> {
  const hasNextPage = rows.length > limit;
  const page = hasNextPage ? rows.slice(0, limit) : rows;
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
  return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
