import type { CodegenConfig } from '@graphql-codegen/cli';

/*
 * Typed GraphQL operations from the API's schema (apps/api/schema.graphql, which the API's
 * schema test keeps equal to the running server). Every `graphql(`…`)` document in src/ is
 * validated against it and gets result and variable types, so a schema change that breaks an
 * operation breaks `build` and `typecheck`, not a reviewer's screen. Output in src/gql/ is
 * generated (not committed); every script that compiles runs `codegen` first.
 */
const config: CodegenConfig = {
  schema: '../api/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Documents are strings: no graphql runtime in the bundle, sent as-is by graphqlRequest.
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          DateTimeISO: 'string',
          JSON: 'unknown',
          JSONObject: 'Record<string, unknown>',
        },
      },
    },
  },
};

export default config;
