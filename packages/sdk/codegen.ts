import type { CodegenConfig } from '@graphql-codegen/cli';

/*
 * Typed operations from the API's schema (apps/api/schema.graphql, which the API's schema test
 * keeps equal to the running server). The operations the SDK sends live in
 * src/operations/*.graphql; each gets a typed document and result/variable types in src/gql/.
 * Generated at build time like the console's (not committed): it can never drift from the
 * schema in the repository, and consumers get the compiled types in dist/ either way.
 */
const config: CodegenConfig = {
  schema: '../../apps/api/schema.graphql',
  documents: ['src/operations/*.graphql'],
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      config: {
        // Documents are strings: no graphql runtime at run time, sent as-is over fetch.
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        // NodeNext resolution needs the `.js` on relative imports.
        emitLegacyCommonJSImports: false,
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
