import { parseRunbook, type RunbookSection, type WorkflowVersion } from '@gatehouse/domain';
import type { GraphQLContext } from '../../graphql/context.js';
import { runLoader } from '../exceptions/exception-loaders.js';

/*
 * A version's runbook never changes, so each is parsed once per process however many queue
 * items or approvals ask for a section of it (a page of 100 shares one or two versions).
 */
const LIMIT = 500;
const parsed = new Map<string, RunbookSection[]>();

export function sectionsOf(version: Pick<WorkflowVersion, 'id' | 'runbook'>): RunbookSection[] {
  if (version.runbook === null) return [];
  let sections = parsed.get(version.id);
  if (!sections) {
    if (parsed.size >= LIMIT) parsed.delete(parsed.keys().next().value!);
    parsed.set(version.id, (sections = parseRunbook(version.runbook)));
  }
  return sections;
}

/** The sections of the version a run ran on (not the currently published one); batched per request. */
export async function runSections(ctx: GraphQLContext, runId: string): Promise<RunbookSection[]> {
  const run = await runLoader(ctx).load(runId);
  const version = run ? await ctx.loaders.version.load(run.versionId) : null;
  return version ? sectionsOf(version) : [];
}
