import { useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { ME_QUERY } from '../api/me.query.js';

/** Who the chosen API key signs us in as, with the operations the role may call. */
export function useMe() {
  return useGraphQLQuery(ME_QUERY, {}, { staleTime: 60_000 });
}
