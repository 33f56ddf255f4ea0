import { isRole, operationsFor, type PrincipalRecord, type Role } from '@gatehouse/domain';
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { principalOf } from '../../graphql/authorize.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { RoleEnum } from '../../graphql/enums.js';
import { PrincipalType } from './principal.types.js';

const toType = (p: PrincipalRecord): PrincipalType => ({ id: p.id, name: p.name, email: p.email, role: p.role, disabledAt: p.disabledAt });

@Resolver(() => PrincipalType)
export class PrincipalResolver {
  /*
   * Read from the one role × operation table, so the console hides exactly the controls the API
   * would refuse; the API still enforces every call.
   */
  @FieldResolver(() => [String], {
    description: 'The queries and mutations (GraphQL field names) this principal\'s role may call.',
  })
  operations(@Root() principal: PrincipalType): string[] {
    return isRole(principal.role) ? operationsFor(principal.role) : [];
  }

  @Mutation(() => PrincipalType, { description: 'Add a person or integration (admins). They sign in with OIDC or a password an admin sets, or use a key from createApiKey.' })
  async createPrincipal(
    @Arg('name', () => String) name: string,
    @Arg('email', () => String) email: string,
    @Arg('role', () => RoleEnum) role: Role,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PrincipalType> {
    return toType(await ctx.services.principals.create(principalOf(ctx), { name, email, role }));
  }

  @Mutation(() => PrincipalType, { description: 'Change a principal\'s role (id or email). The last enabled admin cannot be demoted, nor can admins demote themselves.' })
  async setPrincipalRole(@Arg('principal', () => String) principal: string, @Arg('role', () => RoleEnum) role: Role, @Ctx() ctx: GraphQLContext): Promise<PrincipalType> {
    return toType(await ctx.services.principals.setRole(principalOf(ctx), principal, role));
  }

  @Mutation(() => PrincipalType, { description: 'Disable a principal (id or email): their sessions end and their API keys stop working. Not yourself, not the last enabled admin.' })
  async disablePrincipal(@Arg('principal', () => String) principal: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: GraphQLContext): Promise<PrincipalType> {
    return toType(await ctx.services.principals.disable(principalOf(ctx), principal, reason));
  }

  @Mutation(() => PrincipalType, { description: 'Enable a disabled principal again (id or email); keys not revoked work again, sessions do not come back.' })
  async enablePrincipal(@Arg('principal', () => String) principal: string, @Ctx() ctx: GraphQLContext): Promise<PrincipalType> {
    return toType(await ctx.services.principals.enable(principalOf(ctx), principal));
  }
}
