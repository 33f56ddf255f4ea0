import { type ChangeEvent, useId } from 'react';
import { DEV_API_KEYS, isDevApiKey } from '../api/dev-api-keys.js';
import { useApiKey } from '../hooks/use-api-key.js';

/** Development-only sign-in: pick one of the seeded API keys to act as that principal. */
export function DevSignIn() {
  const { apiKey, setApiKey } = useApiKey();
  const selectId = useId();
  const hintId = useId();

  const onChange = (event: ChangeEvent<HTMLSelectElement>) => {
    const value = event.target.value;
    setApiKey(isDevApiKey(value) ? value : null);
  };

  return (
    <div className="console-sign-in">
      <label htmlFor={selectId}>Development sign-in</label>
      <select id={selectId} value={apiKey ?? ''} onChange={onChange} aria-describedby={hintId}>
        <option value="">Signed out</option>
        {DEV_API_KEYS.map((entry) => (
          <option key={entry.key} value={entry.key}>
            {entry.label} ({entry.key})
          </option>
        ))}
      </select>
      <span id={hintId} className="console-sign-in__hint">
        Seeded development keys, sent as the x-api-key header.
      </span>
    </div>
  );
}
