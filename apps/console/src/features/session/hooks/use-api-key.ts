import { createContext, useContext } from 'react';
import { type DevApiKey } from '../api/dev-api-keys.js';

export interface ApiKeySession {
  /** The development key sent as `x-api-key`, or null. */
  readonly apiKey: DevApiKey | null;
  readonly setApiKey: (key: DevApiKey | null) => void;
  /** Signed in with a password: the browser holds the (httpOnly) session cookie. */
  readonly cookieSession: boolean;
  readonly setCookieSession: (on: boolean) => void;
}

export const ApiKeyContext = createContext<ApiKeySession | null>(null);

export function useApiKey(): ApiKeySession {
  const session = useContext(ApiKeyContext);
  if (!session) throw new Error('useApiKey must be used inside <SessionProvider>.');
  return session;
}

/** Signed in at all, by a development key or a session cookie. */
export function useSignedIn(): boolean {
  const { apiKey, cookieSession } = useApiKey();
  return apiKey !== null || cookieSession;
}
