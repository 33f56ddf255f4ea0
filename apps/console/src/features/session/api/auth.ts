/**
 * The API's sign-in endpoints (plain HTTP under /auth, same origin through the Vite proxy).
 * The session cookie is httpOnly: the console never sees it, the browser sends it.
 */
export interface AuthConfig {
  /** The gh_dev_* selector is offered only when the API accepts those keys (not in production). */
  readonly developmentKeys: boolean;
  readonly passwordSignIn: boolean;
  readonly oidc: { readonly issuer: string; readonly audience: string } | null;
}

export class SignInError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

async function send(path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok) throw new SignInError(body?.error?.message ?? `The API answered ${res.status}.`, body?.error?.code ?? 'BAD_RESPONSE');
  return body;
}

export async function fetchAuthConfig(): Promise<AuthConfig> {
  return (await send('/auth/config')) as AuthConfig;
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export async function signIn(email: string, password: string): Promise<void> {
  await send('/auth/sign-in', json({ email, password }));
}

export async function signOut(): Promise<void> {
  await send('/auth/sign-out', json({}));
}

/** Remembers (not a secret) that this browser holds a session cookie, so a reload stays signed in. */
export const COOKIE_SESSION_STORAGE_KEY = 'gatehouse.console.cookieSession';

export function readCookieSessionFlag(storage: Storage | undefined = globalThis.localStorage): boolean {
  try {
    return storage?.getItem(COOKIE_SESSION_STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}

export function writeCookieSessionFlag(on: boolean, storage: Storage | undefined = globalThis.localStorage): void {
  try {
    if (on) storage?.setItem(COOKIE_SESSION_STORAGE_KEY, '1');
    else storage?.removeItem(COOKIE_SESSION_STORAGE_KEY);
  } catch {
    // storage disabled: the session lasts until reload
  }
}
