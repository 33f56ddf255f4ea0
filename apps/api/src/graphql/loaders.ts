import { PrincipalEntity, toVersion, toWorkflow, WorkflowEntity, WorkflowVersionEntity } from '@gatehouse/db';
import type { Workflow, WorkflowVersion } from '@gatehouse/domain';
import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import type { PrincipalType } from '../modules/identity/principal.types.js';

/**
 * Per-request batch loaders: a page of 100 runs asks for its workflows and principals in one
 * query each instead of one per row.
 */
export interface Loaders {
  principal: DataLoader<string, PrincipalType | null>;
  workflow: DataLoader<string, Workflow | null>;
  version: DataLoader<string, WorkflowVersion | null>;
}

function byId<T extends { id: string }>(ids: readonly string[], rows: T[]): (T | null)[] {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}

export function createLoaders(ds: DataSource): Loaders {
  return {
    principal: new DataLoader(async (ids) => {
      const rows = await ds.getRepository(PrincipalEntity).find({ where: { id: In([...ids]) } });
      return byId(ids, rows.map((p) => ({ id: p.id, name: p.name, email: p.email, role: p.role, disabledAt: p.disabledAt })));
    }),
    workflow: new DataLoader(async (ids) => byId(ids, (await ds.getRepository(WorkflowEntity).find({ where: { id: In([...ids]) } })).map(toWorkflow))),
    version: new DataLoader(async (ids) => byId(ids, (await ds.getRepository(WorkflowVersionEntity).find({ where: { id: In([...ids]) } })).map(toVersion))),
  };
}
