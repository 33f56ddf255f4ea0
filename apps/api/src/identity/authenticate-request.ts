import type { IncomingHttpHeaders } from 'node:http';
import type { DataSource } from 'typeorm';
import type { Principal } from '../graphql/context.js';
import { apiKeyFromHeaders } from './api-key-headers.js';
import type { RateLimitStore } from '../http/rate-limit-store.js';
import { authenticateApiKey, createWrongSecretCounter, type ApiKeyOptions, type WarnLogger } from './authenticate.js';
import { looksLikeJwt, type OidcVerifier } from './oidc.js';
import { authenticateSession, readCookie, sessionCookieName, type SessionPolicy } from './sessions.js';

export interface AuthenticationOptions {
  allowDevelopmentKeys: boolean;
  sessions: SessionPolicy;
  oidc: OidcVerifier | null;
  /** Told when a key prefix starts being refused after repeated wrong secrets (see authenticateApiKey). */
  logger?: WarnLogger;
  /** Where wrong secrets per key prefix are counted: the rate limits' store (default: this process). */
  rateLimitStore?: RateLimitStore;
}

export type RequestAuthenticator = (headers: IncomingHttpHeaders) => Promise<Principal | null>;

/**
 * One request, one credential, in this order: an API key (x-api-key, or a `gh_…` bearer), an
 * OIDC bearer token (a JWT, when an issuer is configured), the console's session cookie. A
 * credential header that is present but wrong is not rescued by a cookie. An invalid JWT throws
 * BearerTokenError (its message says why); everything else that fails resolves to null.
 */
export function createRequestAuthenticator(ds: DataSource, options: AuthenticationOptions): RequestAuthenticator {
  const keyOptions: ApiKeyOptions = {
    allowDevelopmentKeys: options.allowDevelopmentKeys,
    wrongSecrets: createWrongSecretCounter(options.rateLimitStore ?? { kind: 'memory' }),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  return async (headers) => {
    const credential = apiKeyFromHeaders(headers);
    if (credential) {
      if (options.oidc && !credential.startsWith('gh_') && looksLikeJwt(credential)) return options.oidc(credential);
      return authenticateApiKey(ds, credential, keyOptions);
    }
    const token = readCookie(headers.cookie, sessionCookieName(options.sessions));
    return token ? authenticateSession(ds, token, options.sessions) : null;
  };
}
