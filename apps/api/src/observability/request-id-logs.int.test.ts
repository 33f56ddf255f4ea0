import 'reflect-metadata';
import { APP_DATABASE_ROLE, createDataSource } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createApp, type GatehouseApp } from '../app.js';
import { KEYS } from '../test/fixtures.js';

/*
 * An INTERNAL_SERVER_ERROR answer says only "it has been logged": the log line must lead back
 * to the request. A real outage (the table the query reads is gone) produces one.
 */
let db: TestDatabase;
let ds: DataSource;
let app: GatehouseApp;
let baseUrl: string;
const lines: Array<Record<string, any>> = [];

beforeAll(async () => {
  db = await createTestDatabase(inject('gatehousePostgres'));
  ds = createDataSource({ url: db.appUrl, poolSize: 2, role: APP_DATABASE_ROLE });
  await ds.initialize();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, any>);
      done();
    },
  });
  app = await createApp({ dataSource: ds, logger: pino({ level: 'info' }, sink) });
  baseUrl = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}`;
});

afterAll(async () => {
  await app?.close();
  await ds?.destroy();
  await db?.drop();
});

async function asOwner(sql: string): Promise<void> {
  const owner = createDataSource({ url: db.url, poolSize: 1 });
  await owner.initialize();
  await owner.query(sql);
  await owner.destroy();
}

describe('logs of a GraphQL request', () => {
  it('carry the request id, also for an internal error the answer masks', async () => {
    await asOwner('ALTER TABLE workflows RENAME TO workflows_gone');
    try {
      const res = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': KEYS.viewer, 'x-request-id': 'trace-me-42' },
        body: JSON.stringify({ query: '{ workflows { key } }' }),
      });
      const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0]!.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(body.errors[0]!.message).not.toMatch(/workflows/);
    } finally {
      await asOwner('ALTER TABLE workflows_gone RENAME TO workflows');
    }
    // Logged once, by the request's logger (not again by formatError with the process's).
    const errors = lines.filter((l) => l.msg === 'unhandled error in GraphQL operation');
    expect(errors, JSON.stringify(lines)).toHaveLength(1);
    const error = errors[0];
    expect(error!.req.id).toBe('trace-me-42');
    expect(error!.err.message).toMatch(/workflows/);
    expect(lines.find((l) => l.msg === 'request completed' && l.req?.id === 'trace-me-42')).toMatchObject({ req: { method: 'POST', url: '/graphql' }, res: { statusCode: 200 } });
  });

  it('give every request an id (a sane X-Request-Id is kept, anything else replaced) and never log its headers', async () => {
    const send = (requestId: string) =>
      fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': KEYS.viewer, 'x-request-id': requestId },
        body: JSON.stringify({ query: '{ me { role } }' }),
      });
    expect((await send('kept-1')).headers.get('x-request-id')).toBe('kept-1');
    const replaced = (await send('no spaces <allowed>')).headers.get('x-request-id')!;
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    const completed = lines.filter((l) => l.msg === 'request completed' && [replaced, 'kept-1'].includes(l.req?.id));
    expect(completed).toHaveLength(2);
    expect(JSON.stringify(lines)).not.toContain(KEYS.viewer);
    // Probes and scrapes are not logged.
    const before = lines.length;
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    // A logged request after the probe: once its line is in, the probe's would be before it.
    await send('after-probe');
    await vi.waitFor(() => expect(lines.slice(before).some((l) => l.msg === 'request completed' && l.req?.id === 'after-probe')).toBe(true));
    expect(lines.slice(before).filter((l) => l.msg === 'request completed').map((l) => l.req?.id)).toEqual(['after-probe']);
  });
});
