import { type ReactNode, useCallback, useMemo, useState } from 'react';
import { readCookieSessionFlag, writeCookieSessionFlag } from '../api/auth.js';
import { type DevApiKey, readStoredApiKey, writeStoredApiKey } from '../api/dev-api-keys.js';
import { ApiKeyContext } from '../hooks/use-api-key.js';

/** Holds the chosen development API key or the password session, remembered in localStorage. */
export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [apiKey, setApiKeyState] = useState<DevApiKey | null>(() => readStoredApiKey());
  const [cookieSession, setCookieSessionState] = useState(() => readCookieSessionFlag());

  const setApiKey = useCallback((key: DevApiKey | null) => {
    writeStoredApiKey(key);
    setApiKeyState(key);
  }, []);

  const setCookieSession = useCallback((on: boolean) => {
    writeCookieSessionFlag(on);
    setCookieSessionState(on);
  }, []);

  const session = useMemo(() => ({ apiKey, setApiKey, cookieSession, setCookieSession }), [apiKey, setApiKey, cookieSession, setCookieSession]);
  return <ApiKeyContext.Provider value={session}>{children}</ApiKeyContext.Provider>;
}
