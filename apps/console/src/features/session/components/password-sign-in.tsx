import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { SignInError, signIn } from '../api/auth.js';
import { useApiKey } from '../hooks/use-api-key.js';

/** Email and password; on success the API sets the session cookie and the console signs in. */
export function PasswordSignIn() {
  const { setApiKey, setCookieSession } = useApiKey();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const emailId = useId();
  const passwordId = useId();
  const errorId = useId();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await signIn(email, password);
      setPassword('');
      // A development key would win over the cookie; signing in with a password replaces it.
      setApiKey(null);
      setCookieSession(true);
      await queryClient.invalidateQueries();
    } catch (err) {
      setError(err instanceof SignInError ? err.message : 'Could not reach the API. Try again.');
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="console-password-sign-in" aria-label="Sign in with password" onSubmit={(e) => void onSubmit(e)}>
      <label htmlFor={emailId}>Email</label>
      <input id={emailId} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <label htmlFor={passwordId}>Password</label>
      <input
        id={passwordId}
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        aria-describedby={error ? errorId : undefined}
      />
      <button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
      {error ? (
        <p id={errorId} role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
