import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { webcrypto } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../test/test-api.js';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'gatehouse-api';
const ME = `{ me { email role } }`;

let api: TestApi;
let jwks: http.Server;
let signingKey: webcrypto.CryptoKey;
let publicPem: string;
let otherKey: webcrypto.CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  publicPem = await exportSPKI(pair.publicKey);
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  // The issuer's JWKS, served the way an identity provider would.
  jwks = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  api = await startTestApi({ oidc: { issuer: ISSUER, audience: AUDIENCE, jwksUrl } });
});
afterAll(async () => {
  await api.close();
  jwks.close();
});

interface Claims {
  sub?: string;
  email?: string;
  iss?: string;
  aud?: string;
  exp?: number | string;
  nbf?: number | string;
  /** The issuer vouches for the email (default true); only then does the email map to a principal. */
  emailVerified?: boolean | undefined;
  /** Leave out the exp claim. */
  noExp?: boolean;
}

function token(claims: Claims = {}, options: { key?: webcrypto.CryptoKey; kid?: string } = {}) {
  const { iss = ISSUER, aud = AUDIENCE, exp = '5m', nbf, sub = 'user-123', email = 'rita@gatehouse.dev' } = claims;
  const emailVerified = 'emailVerified' in claims ? claims.emailVerified : true;
  const jwt = new SignJWT({ email, ...(emailVerified === undefined ? {} : { email_verified: emailVerified }) })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'k1' })
    .setSubject(sub)
    .setIssuer(iss)
    .setAudience(aud)
    .setIssuedAt();
  if (!claims.noExp) jwt.setExpirationTime(exp);
  if (nbf !== undefined) jwt.setNotBefore(nbf);
  return jwt.sign(options.key ?? signingKey);
}

async function meWithBearer(bearer: string) {
  const res = await fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query: ME }) });
  const body = (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions: { code: string } }> };
  return { status: res.status, ...body };
}

async function expectRefused(bearer: string, message: RegExp) {
  const res = await meWithBearer(bearer);
  expect(res.errors?.[0]?.extensions.code, JSON.stringify(res.errors)).toBe('UNAUTHENTICATED');
  expect(res.errors?.[0]?.message).toMatch(message);
  expect(res.status).toBe(401);
  expect(res.data ?? null).toBeNull();
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('OIDC bearer tokens', () => {
  it("a valid token maps to the principal by email, with the principal's role (not a claim)", async () => {
    const res = await meWithBearer(await token());
    expect(res.errors).toBeUndefined();
    expect(res.data.me).toEqual({ email: 'rita@gatehouse.dev', role: 'reviewer' });
  });

  it('a stored subject wins over the email claim', async () => {
    await api.ds.query(`UPDATE principals SET oidc_subject = 'sub-olive' WHERE email = 'olive@gatehouse.dev'`);
    const res = await meWithBearer(await token({ sub: 'sub-olive', email: 'someone-else@example.com' }));
    expect(res.data.me.email).toBe('olive@gatehouse.dev');
  });

  it('maps by email only when the issuer marks it verified (missing or false is not enough)', async () => {
    await expectRefused(await token({ emailVerified: undefined }), /not a Gatehouse principal/);
    await expectRefused(await token({ emailVerified: false }), /not a Gatehouse principal/);
  });

  it('refuses a token without an expiry', async () => {
    const res = await meWithBearer(await token({ noExp: true }));
    expect(res.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(res.status).toBe(401);
  });

  it('refuses an unknown subject', async () => {
    await expectRefused(await token({ sub: 'stranger', email: 'stranger@example.com' }), /not a Gatehouse principal/);
  });

  it('refuses an expired token', async () => {
    await expectRefused(await token({ exp: Math.floor(Date.now() / 1000) - 60 }), /expired/);
  });

  it('refuses a token that is not valid yet', async () => {
    await expectRefused(await token({ nbf: Math.floor(Date.now() / 1000) + 600, exp: '20m' }), /not valid yet/);
  });

  it('refuses another issuer', async () => {
    await expectRefused(await token({ iss: 'https://evil.example.test/' }), /another issuer/);
  });

  it('refuses another audience', async () => {
    await expectRefused(await token({ aud: 'some-other-api' }), /another audience/);
  });

  it('refuses alg: none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'user-123', email: 'ada@gatehouse.dev', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300 })}.`;
    await expectRefused(unsigned, /algorithm/);
  });

  it("refuses HS256 signed with the issuer's public key as the secret", async () => {
    const hs = await new SignJWT({ email: 'ada@gatehouse.dev' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('user-123')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(publicPem));
    await expectRefused(hs, /algorithm/);
  });

  it('refuses an unknown key id', async () => {
    await expectRefused(await token({}, { key: otherKey, kid: 'k-unknown' }), /key id/);
  });

  it('refuses a token signed by another key under the known kid', async () => {
    await expectRefused(await token({}, { key: otherKey }), /signature/);
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await token()).split('.');
    const now = Math.floor(Date.now() / 1000);
    const forged = `${header}.${b64({ sub: 'user-123', email: 'ada@gatehouse.dev', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300 })}.${signature}`;
    await expectRefused(forged, /signature/);
  });

  it('API keys still work as bearers next to OIDC', async () => {
    expect((await meWithBearer('gh_dev_viewer')).data.me.role).toBe('viewer');
  });
});
