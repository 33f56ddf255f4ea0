import { ErrorMessage } from '@gatehouse/ui';
import { useMe } from '../hooks/use-me.js';

/** "Signed in as …" for the chosen key, or why that could not be established. */
export function CurrentPrincipal() {
  const me = useMe();

  if (me.isPending) {
    return (
      <p className="console-principal" role="status">
        Checking who you are…
      </p>
    );
  }
  if (me.isError) {
    return (
      <ErrorMessage
        title="Could not sign in"
        error={me.error}
        onRetry={() => {
          void me.refetch();
        }}
      />
    );
  }
  return (
    <p className="console-principal">
      Signed in as <strong>{me.data.me.name}</strong>{' '}
      <span className="console-principal__role">({me.data.me.role.toLowerCase()})</span>
    </p>
  );
}
