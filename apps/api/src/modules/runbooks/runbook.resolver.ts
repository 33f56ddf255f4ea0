import { checkRunbook, sectionForApproval, sectionForException, type Approval, type ExceptionItem, type WorkflowVersion } from '@gatehouse/domain';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { ApprovalType } from '../approvals/approval.types.js';
import { ExceptionItemType } from '../exceptions/exception.types.js';
import { WorkflowVersionType } from '../workflows/workflow.types.js';
import { runSections } from './runbook-sections.js';
import { RunbookCheckType, RunbookSectionType } from './runbook.types.js';

const SECTION_HELP = "From the runbook of the run's own workflow version (not the one published now); null when it has no such section.";

@Resolver(() => WorkflowVersionType)
export class WorkflowVersionRunbookResolver {
  @FieldResolver(() => String, { nullable: true, description: "The reviewers' runbook (Markdown), versioned with the definition; null when proposed without one." })
  runbook(@Root() v: WorkflowVersion): string | null {
    return v.runbook;
  }

  @FieldResolver(() => RunbookCheckType, { description: 'Which required runbook sections are missing; publishing to (or promoting to) execute needs none.' })
  runbookCheck(@Root() v: WorkflowVersion): RunbookCheckType {
    return checkRunbook(v.runbook, v.definition);
  }
}

@Resolver(() => ExceptionItemType)
export class ExceptionRunbookResolver {
  @FieldResolver(() => RunbookSectionType, { nullable: true, description: `The "Exception: <reason>" section for this item's reason. ${SECTION_HELP}` })
  async runbookSection(@Root() x: ExceptionItem, @Ctx() ctx: GraphQLContext): Promise<RunbookSectionType | null> {
    return sectionForException(await runSections(ctx, x.runId), x.reason);
  }
}

@Resolver(() => ApprovalType)
export class ApprovalRunbookResolver {
  @FieldResolver(() => RunbookSectionType, { nullable: true, description: `The "Approval: <stepId>" section for this approval's step, else the general "Approvals" one. ${SECTION_HELP}` })
  async runbookSection(@Root() a: Approval, @Ctx() ctx: GraphQLContext): Promise<RunbookSectionType | null> {
    return sectionForApproval(await runSections(ctx, a.runId), a.stepId);
  }
}
