import { Button, ErrorMessage } from '@gatehouse/ui';
import { type FormEvent, useState } from 'react';
import type { Role } from '../../../gql/graphql.js';
import { useGraphQLMutation } from '../../../lib/graphql-hooks.js';
import { CREATE_PRINCIPAL_MUTATION } from '../api/people.query.js';

export const ROLES: readonly Role[] = ['admin', 'owner', 'reviewer', 'integrator', 'viewer'];

/** Adds a person or integration; they then sign in (OIDC, or a password an admin sets) or get a key. */
export function CreatePrincipalForm() {
  const create = useGraphQLMutation(CREATE_PRINCIPAL_MUTATION);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('reviewer');
  const [added, setAdded] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAdded(null);
    const result = await create.mutateAsync({ name, email, role }).catch(() => null);
    if (result) {
      setAdded(result.createPrincipal.email);
      setName('');
      setEmail('');
    }
  };

  return (
    <form className="pp-form" aria-label="Add a person" onSubmit={(e) => void submit(e)}>
      <label>
        Name
        <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Email
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Role
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <Button type="submit" variant="primary" disabledReason={create.isPending ? 'Adding…' : null}>
        Add person
      </Button>
      {create.error ? (
        <div className="pp-form__error">
          <ErrorMessage title="Not added" error={create.error} />
        </div>
      ) : null}
      {added ? <p role="status">Added {added}.</p> : null}
    </form>
  );
}
