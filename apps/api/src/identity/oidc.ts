import { isRole, type Role } from '@gatehouse/domain';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { DataSource } from 'typeorm';
import type { Principal } from '../graphql/context.js';

export interface OidcConfig {
  issuer: string;
  audience: string;
  /** Unset: read `jwks_uri` from the issuer's /.well-known/openid-configuration. */
  jwksUrl?: string;
}

/** Asymmetric algorithms only: `none` and HS* (e.g. HS256 "signed" with the public key) never verify. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 5;

export class BearerTokenError extends Error {}

/** A JWT (three base64url segments) rather than an API key. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(token);
}

export type OidcVerifier = (token: string) => Promise<Principal>;

/**
 * Verifies bearer tokens of the configured issuer and maps them to a principal: by `sub` when a
 * principal has it stored (principals.oidc_subject), else by the `email` claim (unless the token
 * says it is unverified). The role is the principal's, never a claim. Unknown subjects are refused.
 */
export function createOidcVerifier(ds: DataSource, config: OidcConfig): OidcVerifier {
  let jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | null = null;
  const keySet = () => {
    jwks ??= resolveJwksUrl(config).then((url) => createRemoteJWKSet(new URL(url)));
    // A failed discovery is retried on the next request rather than remembered.
    jwks.catch(() => (jwks = null));
    return jwks;
  };

  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await keySet(), { issuer: config.issuer, audience: config.audience, algorithms: ALGORITHMS, clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ['exp', 'sub'] }));
    } catch (error) {
      throw new BearerTokenError(explain(error));
    }
    const email = typeof payload.email === 'string' && payload.email_verified === true ? payload.email.toLowerCase() : null;
    const rows: Array<{ id: string; name: string; email: string; role: Role }> = await ds.query(
      `SELECT id, name, email, role FROM principals
        WHERE disabled_at IS NULL AND (oidc_subject = $1 OR (oidc_subject IS NULL AND $2::text IS NOT NULL AND lower(email) = $2))
        ORDER BY (oidc_subject = $1) DESC NULLS LAST LIMIT 1`,
      [payload.sub ?? '', email],
    );
    const row = rows[0];
    if (!row || !isRole(row.role)) throw new BearerTokenError('The bearer token is valid but its subject is not a Gatehouse principal.');
    return { id: row.id, name: row.name, email: row.email, role: row.role, via: 'oidc' };
  };
}

async function resolveJwksUrl(config: OidcConfig): Promise<string> {
  if (config.jwksUrl) return config.jwksUrl;
  const res = await fetch(`${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { jwks_uri?: unknown };
  if (!res.ok || typeof body.jwks_uri !== 'string') throw new Error(`OIDC discovery at ${config.issuer} gave no jwks_uri`);
  return body.jwks_uri;
}

function explain(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The bearer token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'nbf':
        return 'The bearer token is not valid yet (nbf).';
      case 'iat':
        return 'The bearer token was issued in the future (iat).';
      case 'iss':
        return 'The bearer token is from another issuer.';
      case 'aud':
        return 'The bearer token is for another audience.';
      default:
        return `The bearer token's ${error.claim} claim is not acceptable.`;
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'The bearer token uses a signing algorithm that is not accepted.';
  if (error instanceof errors.JWKSNoMatchingKey) return "No key of the issuer matches the bearer token's key id (kid).";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The bearer token's signature is invalid.";
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'The bearer token is malformed.';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError) return 'The bearer token could not be verified.';
  return 'The bearer token could not be verified (the issuer\'s keys are unavailable).';
}
