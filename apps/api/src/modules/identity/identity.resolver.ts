import { DomainError, type ApiKey, type Role } from '@gatehouse/domain';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { principalOf } from '../../graphql/authorize.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { RoleEnum } from '../../graphql/enums.js';
import { ApiKeyType, CreatedApiKeyType } from './api-key.types.js';
import { PrincipalType } from './principal.types.js';

@Resolver(() => ApiKeyType)
export class IdentityResolver {
  @Query(() => PrincipalType, { description: 'Who the API key in this request belongs to.' })
  me(@Ctx() ctx: GraphQLContext): PrincipalType {
    const p = principalOf(ctx);
    return { id: p.id, name: p.name, email: p.email, role: p.role };
  }

  @Query(() => [PrincipalType], { description: 'Active principals, e.g. to name workflow owners.' })
  principals(
    @Arg('includeDisabled', () => Boolean, { nullable: true, description: 'Admins only: list disabled principals too (People screen).' }) includeDisabled: boolean | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PrincipalType[]> {
    if (includeDisabled && principalOf(ctx).role !== 'admin') throw new DomainError('forbidden', 'Only admins may list disabled principals (includeDisabled).', { field: 'includeDisabled' });
    return ctx.services.identity.principals(includeDisabled ?? false);
  }

  @Query(() => [ApiKeyType])
  apiKeys(@Ctx() ctx: GraphQLContext): Promise<ApiKey[]> {
    return ctx.services.identity.apiKeys();
  }

  @Mutation(() => CreatedApiKeyType, { description: 'Issue a key for a principal (id or email; default: yourself). The secret is returned once.' })
  createApiKey(
    @Arg('name', () => String) name: string,
    @Arg('principal', () => String, { nullable: true }) principal: string | null,
    @Arg('role', () => RoleEnum, { nullable: true, description: "Act with this role (at most the principal's); default: the principal's role." }) role: Role | null,
    @Arg('workflows', () => [String], { nullable: true, description: 'Limit the key to these workflow keys; default: every workflow.' }) workflows: string[] | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.identity.createApiKey(principalOf(ctx), name, principal, { role, workflows });
  }

  @Mutation(() => ApiKeyType)
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ApiKey> {
    return ctx.services.identity.revokeApiKey(principalOf(ctx), id);
  }

  @FieldResolver(() => [String], { nullable: true, description: 'The only workflows (keys) the key may act on; null: every workflow.' })
  workflows(@Root() k: ApiKey): string[] | null {
    return k.workflowKeys;
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  principal(@Root() k: ApiKey, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.principal.load(k.principalId);
  }
}
