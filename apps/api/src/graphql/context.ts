import type { Actor } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';
import type { Loaders } from './loaders.js';

export interface Principal extends Actor {
  readonly name: string;
  readonly email: string;
  /** How this request authenticated (unset where a principal is built outside a request, e.g. tests). */
  readonly via?: 'api_key' | 'session' | 'oidc';
  /** The API key used, if any. */
  readonly keyId?: string;
  /** The session used, if any (signOut revokes it). */
  readonly sessionId?: string;
  /** Workflow keys an API key is limited to (identity/key-scope.ts); null or unset: every workflow. */
  readonly workflowScope?: readonly string[] | null;
}

/** Everything a resolver may use, built once per HTTP request. */
export interface GraphQLContext {
  readonly requestId: string;
  readonly principal: Principal | null;
  readonly logger: Logger;
  readonly dataSource: DataSource;
  readonly services: Services;
  readonly loaders: Loaders;
}

export interface AuthenticatedContext extends GraphQLContext {
  readonly principal: Principal;
}
