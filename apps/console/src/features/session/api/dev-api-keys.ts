/**
 * The API keys the API seeds in development (see the API's seed data). The console offers
 * them in a sign-in selector until real sign-in exists; they grant nothing in production.
 */
export const DEV_API_KEYS = [
  { key: 'gh_dev_admin', label: 'Admin' },
  { key: 'gh_dev_owner', label: 'Owner' },
  { key: 'gh_dev_approver', label: 'Change approver' },
  { key: 'gh_dev_reviewer', label: 'Reviewer' },
  { key: 'gh_dev_reviewer2', label: 'Second reviewer' },
  { key: 'gh_dev_integrator', label: 'Integrator' },
  { key: 'gh_dev_viewer', label: 'Viewer (leadership)' },
] as const;

export type DevApiKey = (typeof DEV_API_KEYS)[number]['key'];

export function isDevApiKey(value: unknown): value is DevApiKey {
  return DEV_API_KEYS.some((entry) => entry.key === value);
}

/** Where the chosen key is remembered between visits. */
export const API_KEY_STORAGE_KEY = 'gatehouse.console.apiKey';

/** The remembered key, or null when none (or something unexpected) is stored. */
export function readStoredApiKey(storage: Storage | undefined = globalThis.localStorage): DevApiKey | null {
  try {
    const value = storage?.getItem(API_KEY_STORAGE_KEY);
    return isDevApiKey(value) ? value : null;
  } catch {
    return null; // storage disabled (private mode, blocked cookies): behave as signed out
  }
}

export function writeStoredApiKey(
  key: DevApiKey | null,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  try {
    if (key) storage?.setItem(API_KEY_STORAGE_KEY, key);
    else storage?.removeItem(API_KEY_STORAGE_KEY);
  } catch {
    // Not remembered across visits; the choice still applies to this page.
  }
}
