import type { Actor } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';
import type { Loaders } from './loaders.js';

export interface Principal extends Actor {
  readonly name: string;
  readonly email: string;
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
