import { type ReactNode, useCallback, useMemo, useState } from 'react';
import { type DevApiKey, readStoredApiKey, writeStoredApiKey } from '../api/dev-api-keys.js';
import { ApiKeyContext } from '../hooks/use-api-key.js';

/** Holds the chosen development API key and remembers it in localStorage. */
export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [apiKey, setApiKeyState] = useState<DevApiKey | null>(() => readStoredApiKey());

  const setApiKey = useCallback((key: DevApiKey | null) => {
    writeStoredApiKey(key);
    setApiKeyState(key);
  }, []);

  const session = useMemo(() => ({ apiKey, setApiKey }), [apiKey, setApiKey]);
  return <ApiKeyContext.Provider value={session}>{children}</ApiKeyContext.Provider>;
}
