// JSON values (definitions, run inputs and outputs) travel as JSON scalars and are validated
// by the domain against their JSON Schemas, which give better errors than GraphQL types could.
export { GraphQLJSON as JSONScalar, GraphQLJSONObject as JSONObjectScalar } from 'graphql-scalars';
