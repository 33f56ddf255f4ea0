import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { DEFAULT_GRAPHQL_LIMITS, graphqlArmor, type GraphQLLimits } from './graphql/armor.js';
import type { GraphQLContext } from './graphql/context.js';
import { createFormatError } from './graphql/format-error.js';
import { logUnexpectedErrors } from './graphql/error-logging-plugin.js';
import { buildGatehouseSchema } from './graphql/schema.js';
import { healthRouter } from './http/health.js';
import { createRateLimitCheck, DEFAULT_RATE_LIMITS, rateLimit, type RateLimits } from './http/rate-limit.js';
import type { RateLimitStore, RateLimitStoreKind } from './http/rate-limit-store.js';
import { GraphQLError } from 'graphql';
import { createRequestAuthenticator } from './identity/authenticate-request.js';
import { authRouter } from './identity/auth-router.js';
import { BearerTokenError, createOidcVerifier, type OidcConfig } from './identity/oidc.js';
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from './identity/sessions.js';
import type { Logger } from './logger.js';
import { startCostDriftChecks } from './modules/alerts/cost-drift-check.js';
import { decisionRecordRouter } from './modules/decision-records/decision-record.router.js';
import { startMetricsRollupRefresh } from './modules/metrics/metrics.rollup.js';
import { startPayloadRetention } from './modules/privacy/payload-retention.js';
import { createApiMetrics } from './observability/api-metrics.js';
import { graphqlObservability } from './observability/graphql-observability-plugin.js';
import { httpMetrics } from './observability/http-observability.js';
import { requestLog, requestLogger } from './http/request-log.js';
import { clientIpResolver } from './http/client-ip.js';
import { graphqlHttpHandler } from './http/graphql-http.js';
import { sendRequestFailure } from './http/send-json.js';
import { HttpRequestContext } from './graphql/request-context.js';
import { createServices } from './services.js';
import type { WebhookTargetPolicy } from '@gatehouse/domain';
import { createMetricsRegistry, metricsHandler, type MetricsAccess, type Registry } from '@gatehouse/telemetry';

export interface AppOptions {
  dataSource: DataSource;
  logger: Logger;
  bodyLimitKb?: number;
  /** Schema introspection; off in production (env.ts hardeningOptions). */
  introspection?: boolean;
  /** "Did you mean …?" in validation errors; off in production. */
  fieldSuggestions?: boolean;
  graphqlLimits?: GraphQLLimits;
  rateLimits?: RateLimits;
  /** Where the rate limits and the sign-in lockout count: 'postgres' shares them across replicas; default 'memory'. */
  rateLimitStore?: RateLimitStoreKind;
  /** Proxies whose X-Forwarded-For is trusted for the client IP the per-IP limit counts. */
  trustProxyHops?: number;
  /** Where webhook subscriptions may point (private targets: production refuses them unless configured). Default: anywhere. */
  webhookTargets?: WebhookTargetPolicy;
  /** Accept the public gh_dev_* keys. False in production. */
  allowDevelopmentKeys?: boolean;
  /** Console session lifetime and cookie attributes (identity/sessions.ts). */
  sessions?: SessionPolicy;
  /** Accept OIDC bearer tokens from this issuer; unset: none. */
  oidc?: OidcConfig | null;
  /** Check cost drift every this many ms; 0 or unset: never (tests call checkCostDrift). */
  costDriftCheckIntervalMs?: number;
  /** Refresh the metrics rollups every this many ms; 0 or unset: never (reads stay exact, tests refresh by hand). */
  metricsRefreshIntervalMs?: number;
  /** Purge payloads of runs finished more than retentionDays ago, every intervalMs; unset: never (tests purge by hand). */
  payloadRetention?: { intervalMs: number; retentionDays: number };
  /** The process's metrics registry (main.ts makes one); unset: one of the app's own. */
  metricsRegistry?: Registry;
  /** Who may read /metrics (telemetry metricsAccess); unset: everybody (tests). */
  metricsAccess?: MetricsAccess;
  /** Open a span per GraphQL request (main.ts: when tracing is on); off, the path pays nothing. */
  tracing?: boolean;
}

export interface GatehouseApp {
  readonly httpServer: http.Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stop accepting requests, finish those in flight, then stop Apollo. */
  close(): Promise<void>;
}

export async function createApp(options: AppOptions): Promise<GatehouseApp> {
  const { dataSource, logger } = options;
  const services = createServices(dataSource, logger, options.webhookTargets);
  // Events a previous process staged and did not seal (it crashed) go onto the chain now.
  services.auditSealer.soon();
  const costDriftChecks = startCostDriftChecks(dataSource, options.costDriftCheckIntervalMs ?? 0, logger);
  const metricsRefresh = startMetricsRollupRefresh(dataSource, options.metricsRefreshIntervalMs ?? 0, logger);
  const payloadRetention = startPayloadRetention(dataSource, options.payloadRetention ?? { intervalMs: 0, retentionDays: 0 }, logger);
  const app = express();
  // /graphql is served on node:http directly (http/graphql-http.ts); Express gets the rest.
  const httpServer = http.createServer();
  let shuttingDown = false;

  const metricsRegistry = options.metricsRegistry ?? createMetricsRegistry();
  const metrics = createApiMetrics(metricsRegistry);
  const armor = graphqlArmor({ limits: options.graphqlLimits ?? DEFAULT_GRAPHQL_LIMITS, fieldSuggestions: options.fieldSuggestions ?? true });

  const apollo = new ApolloServer<GraphQLContext>({
    schema: await buildGatehouseSchema(),
    formatError: createFormatError(logger),
    introspection: options.introspection ?? true,
    validationRules: armor.validationRules,
    parseOptions: armor.parseOptions,
    // Never send stack traces, whatever NODE_ENV says; formatError masks the rest.
    includeStacktraceInErrorResponses: false,
    // A state-changing request must be one a browser would preflight (JSON body, or a custom
    // header): a form or <img> on another site cannot ride on a signed-in browser's session
    // cookie (which is SameSite=Strict besides). The console sends application/json.
    csrfPrevention: true,
    // Batched requests multiply the cost of one HTTP request; integrators send one operation.
    allowBatchedHttpRequests: false,
    // main.ts owns SIGTERM/SIGINT. Apollo's own handlers (on whenever NODE_ENV is not 'test')
    // would start a second stop() that app.close() then waits on forever.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Apollo's cache-control plugin is on by default and hooks every field of every result
      // (willResolveField) for cache hints nobody reads: GraphQL responses here are never cached.
      ApolloServerPluginCacheControlDisabled(),
      logUnexpectedErrors(),
      ...armor.plugins,
      graphqlObservability(metrics),
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  // No ETag on every answer: no client here revalidates (the console refetches through react-query).
  app.set('etag', false);
  const clientIp = clientIpResolver(options.trustProxyHops ?? 0);
  const logRequest = requestLog(logger, clientIp);
  const countRequest = httpMetrics(metrics);
  const serveMetrics = metricsHandler(metricsRegistry, options.metricsAccess ?? { kind: 'open' });
  const rateLimitStore: RateLimitStore = options.rateLimitStore === 'postgres' ? { kind: 'postgres', dataSource } : { kind: 'memory' };
  const rateLimitCheck = createRateLimitCheck(options.rateLimits ?? DEFAULT_RATE_LIMITS, rateLimitStore);
  const limiter = rateLimit(rateLimitCheck, clientIp);
  const sessions = options.sessions ?? DEFAULT_SESSION_POLICY;
  const allowDevelopmentKeys = options.allowDevelopmentKeys ?? true;
  const authenticate = createRequestAuthenticator(dataSource, { allowDevelopmentKeys, sessions, oidc: options.oidc ? createOidcVerifier(dataSource, options.oidc) : null, logger, rateLimitStore });
  // Every GraphQL request is rate limited; health endpoints never are.
  const graphql = graphqlHttpHandler({
    apollo,
    rateLimit: rateLimitCheck,
    clientIp,
    bodyLimitBytes: (options.bodyLimitKb ?? 512) * 1024,
    tracing: options.tracing ?? false,
    logger,
    context: async (req) => {
      const principal = await authenticate(req.headers).catch((error: unknown) => {
        // A bearer token that fails verification says why (expired, wrong audience …).
        if (error instanceof BearerTokenError) throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        throw error;
      });
      return new HttpRequestContext(req, principal, dataSource, services);
    },
  });
  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    logRequest(req, res, path);
    countRequest(req, res, path);
    if (path === '/graphql' || path === '/graphql/') graphql(req, res, path, query === -1 ? '' : url.slice(query));
    else app(req, res);
  });
  // Prometheus scrapes here; not rate limited (docs/observability.md says how it is protected).
  app.get('/metrics', (req, res) => void serveMetrics(req, res));
  app.use(healthRouter(dataSource, () => shuttingDown));
  // Decision record downloads (JSON, printable HTML): same credentials and role entry as the decisionRecord query.
  app.use('/runs', limiter, decisionRecordRouter({ records: services.decisionRecords, authenticate, logger }));
  app.use('/auth', limiter, authRouter({ dataSource, logger, authenticate, sessions, developmentKeys: allowDevelopmentKeys, oidc: options.oidc ?? null, rateLimitStore }));
  // Malformed JSON and oversized bodies are the client's fault: say so in GraphQL's shape.
  app.use((err: Error & { status?: number }, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) requestLogger(req, logger).error({ err }, 'unhandled HTTP error');
    sendRequestFailure(res, status, err.message);
  });

  return {
    httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve(httpServer.address() as AddressInfo));
      }),
    close: async () => {
      shuttingDown = true;
      await apollo.stop();
      await costDriftChecks.stop();
      await metricsRefresh.stop();
      await payloadRetention.stop();
      await services.auditSealer.stop();
    },
  };
}
