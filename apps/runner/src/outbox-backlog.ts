import type pg from 'pg';

export interface Backlog {
  pending: number;
  oldestAgeSeconds: number | null;
}

/** Step dispatches written by the API and not yet taken by a runner. */
export async function readBacklog(client: pg.ClientBase | pg.Pool): Promise<Backlog> {
  const { rows } = await client.query<{ pending: number; oldest: number | null }>(
    `SELECT count(*)::int AS pending,
            EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS oldest
       FROM outbox WHERE published_at IS NULL`,
  );
  const row = rows[0]!;
  return { pending: row.pending, oldestAgeSeconds: row.oldest === null ? null : Math.round(row.oldest) };
}
