import { RunEntity, toRun } from '@gatehouse/db';
import type { Run } from '@gatehouse/domain';
import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { GraphQLContext } from '../../graphql/context.js';

/**
 * Runs by id, batched per request: a queue page of 100 items asking for each item's run (its
 * external reference, its version's output schema) costs one query, not 100. Keyed on the
 * request's loaders object, which lives exactly as long as the request.
 */
const runLoaders = new WeakMap<object, DataLoader<string, Run | null>>();

export function runLoader(ctx: GraphQLContext): DataLoader<string, Run | null> {
  let loader = runLoaders.get(ctx.loaders);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const rows = await ctx.dataSource.getRepository(RunEntity).find({ where: { id: In([...ids]) } });
      const byId = new Map(rows.map((r) => [r.id, toRun(r)]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    runLoaders.set(ctx.loaders, loader);
  }
  return loader;
}
