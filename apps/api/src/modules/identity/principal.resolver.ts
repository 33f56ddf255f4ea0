import { isRole, operationsFor } from '@gatehouse/domain';
import { FieldResolver, Resolver, Root } from 'type-graphql';
import { PrincipalType } from './principal.types.js';

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
}
