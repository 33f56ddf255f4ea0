import { createContext, useContext } from 'react';
import { type DevApiKey } from '../api/dev-api-keys.js';

export interface ApiKeySession {
  /** The key sent as `x-api-key`, or null when signed out. */
  readonly apiKey: DevApiKey | null;
  readonly setApiKey: (key: DevApiKey | null) => void;
}

export const ApiKeyContext = createContext<ApiKeySession | null>(null);

export function useApiKey(): ApiKeySession {
  const session = useContext(ApiKeyContext);
  if (!session) throw new Error('useApiKey must be used inside <SessionProvider>.');
  return session;
}
