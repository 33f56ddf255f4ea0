import { hasPendingMigrations } from '@gatehouse/db';
import type { Router } from 'express';
import express from 'express';
import type { DataSource } from 'typeorm';

/**
 * /healthz: the process is up (liveness). /readyz: the database answers and every migration
 * is applied (readiness) — a load balancer sends traffic only when this is 200.
 */
export function healthRouter(ds: DataSource, isShuttingDown: () => boolean): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (isShuttingDown()) {
      res.status(503).json({ status: 'shutting_down' });
      return;
    }
    try {
      await ds.query('SELECT 1');
      if (await hasPendingMigrations(ds)) {
        res.status(503).json({ status: 'migrations_pending' });
        return;
      }
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database_unreachable' });
    }
  });
  return router;
}
