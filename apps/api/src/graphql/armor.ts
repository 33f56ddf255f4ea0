import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ParseOptions, ValidationRule } from 'graphql';

/**
 * Static limits on a GraphQL document, checked before anything executes (graphql-armor).
 * The defaults leave room above the largest document the console and the tests send
 * (depth 8 with fragments, cost ≈ 4,500 for `runs(first: 100)` with a nested selection,
 * no aliases, under 200 tokens) and stop documents
 * built to make the server work: deep nesting, alias bombs, directive floods, huge queries.
 */
export interface GraphQLLimits {
  /** Deepest selection, fragments counted as a level. */
  maxDepth: number;
  /** Aliases in one operation (`__typename` not counted). */
  maxAliases: number;
  /** Lexer tokens in the document (the source text; variables are not counted). */
  maxTokens: number;
  /** Directives in one operation. */
  maxDirectives: number;
  /**
   * graphql-armor's cost: 2 per object and 1 per scalar field, ×1.5 per level of depth, and an
   * object's cost × `first` when `first` is a literal (`runs(first: 100)`; not when it is a variable).
   */
  maxCost: number;
}

export const DEFAULT_GRAPHQL_LIMITS: GraphQLLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 2_000,
  maxDirectives: 50,
  maxCost: 50_000,
};

export interface GraphQLArmorOptions {
  limits: GraphQLLimits;
  /** "Did you mean …?" in validation errors: help in development, a schema map for attackers. */
  fieldSuggestions: boolean;
}

/** The Apollo plugins, validation rules and parse options that enforce the limits. */
export function graphqlArmor({ limits, fieldSuggestions }: GraphQLArmorOptions): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[]; parseOptions: ParseOptions } {
  // exposeLimits: the error names the limit, its value and what was found ("Query depth limit of
  // 12 exceeded, found 42."), so an honest client can fix its query; the limits are documented anyway.
  const common = { enabled: true, exposeLimits: true } as const;
  const armor = new ApolloArmor({
    maxDepth: { ...common, n: limits.maxDepth },
    maxAliases: { ...common, n: limits.maxAliases },
    // graphql-armor's token plugin throws from parsingDidStart, which Apollo 5 answers with a
    // 500; graphql's own parser limit (parseOptions below) gives the same guarantee as a 400
    // GRAPHQL_PARSE_FAILED, and stops before a deeply nested document can recurse far.
    maxTokens: { enabled: false },
    maxDirectives: { ...common, n: limits.maxDirectives },
    costLimit: { ...common, maxCost: limits.maxCost },
    blockFieldSuggestion: { enabled: !fieldSuggestions },
  });
  const { plugins, validationRules } = armor.protect();
  // graphql-armor's typings resolve @apollo/server's CommonJS declarations and ours the ESM
  // ones: the same interface seen twice, not a real mismatch.
  return { plugins: plugins as unknown as ApolloServerPlugin[], validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}
