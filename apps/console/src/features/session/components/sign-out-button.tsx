import { useQueryClient } from '@tanstack/react-query';
import { signOut } from '../api/auth.js';
import { useApiKey } from '../hooks/use-api-key.js';

/** Ends the password session on the API (the cookie is revoked there) and forgets it here. */
export function SignOutButton() {
  const { cookieSession, setCookieSession } = useApiKey();
  const queryClient = useQueryClient();
  if (!cookieSession) return null;
  const onClick = async () => {
    try {
      await signOut();
    } finally {
      setCookieSession(false);
      queryClient.clear();
    }
  };
  return (
    <button type="button" onClick={() => void onClick()}>
      Sign out
    </button>
  );
}
