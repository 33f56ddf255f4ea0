import type { AuditEvent } from '@gatehouse/domain';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { Connection } from '../../graphql/connection.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { PrincipalType } from '../identity/principal.types.js';
import { AuditChainVerificationType, AuditEventConnection, AuditEventType } from './audit.types.js';

@Resolver(() => AuditEventType)
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: "Oldest first. With subjectId: that subject's events and those of its approvals, exceptions and runs." })
  auditTrail(
    @Arg('subjectId', () => String, { nullable: true }) subjectId: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Connection<AuditEvent>> {
    return ctx.services.audit.trail(subjectId, first, after);
  }

  @Query(() => AuditChainVerificationType, { description: 'Walks the whole hash chain and names the first broken link.' })
  verifyAuditChain(@Ctx() ctx: GraphQLContext) {
    return ctx.services.audit.verify();
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  actor(@Root() e: AuditEvent, @Ctx() ctx: GraphQLContext) {
    return e.actorId ? ctx.loaders.principal.load(e.actorId) : null;
  }
}
