/** Reads the key from `x-api-key` or `Authorization: Bearer <key>`. */
export function apiKeyFromHeaders(headers: Record<string, string | string[] | undefined>): string | null {
  const direct = headers['x-api-key'];
  const value = Array.isArray(direct) ? direct[0] : direct;
  if (value?.trim()) return value.trim();
  return bearerToken(headers);
}

export function bearerToken(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers.authorization;
  const authValue = Array.isArray(auth) ? auth[0] : auth;
  const match = authValue?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim() || null;
}
