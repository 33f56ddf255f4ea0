import { graphql } from '../../../gql/index.js';

export const ME_QUERY = graphql(`
  query ConsoleMe {
    me {
      id
      name
      email
      role
      operations
    }
  }
`);
