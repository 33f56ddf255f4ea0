import { useQuery } from '@tanstack/react-query';
import { type AuthConfig, fetchAuthConfig } from '../api/auth.js';

/** How this deployment lets people sign in; asked once per page load. */
export function useAuthConfig() {
  return useQuery<AuthConfig>({ queryKey: ['authConfig'], queryFn: fetchAuthConfig, staleTime: Infinity });
}
