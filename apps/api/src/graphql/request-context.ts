import type http from 'node:http';
import type { DataSource } from 'typeorm';
import { requestLogger } from '../http/request-log.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';
import type { GraphQLContext, Principal } from './context.js';
import { createLoaders, type Loaders } from './loaders.js';

/**
 * The context of one GraphQL request over HTTP. Its logger and loaders are made on first use:
 * most requests (a startRun) need neither. They are getters on the prototype because Apollo
 * copies the context's own properties for each operation, which would call an own getter.
 */
export class HttpRequestContext implements GraphQLContext {
  private madeLoaders: Loaders | null = null;

  constructor(
    private readonly request: http.IncomingMessage,
    readonly principal: Principal | null,
    readonly dataSource: DataSource,
    readonly services: Services,
  ) {}

  get requestId(): string {
    return this.request.id;
  }

  get logger(): Logger {
    return requestLogger(this.request);
  }

  get loaders(): Loaders {
    return (this.madeLoaders ??= createLoaders(this.dataSource));
  }
}
