import { Button, EmptyState, ErrorMessage, ScreenHeader } from '@gatehouse/ui';
import { useState } from 'react';
import type { Role } from '../../../gql/graphql.js';
import { useGraphQLMutation, useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { useCan, useMyId } from '../../session/hooks/use-can.js';
import { ReasonDialog } from '../../workflows/components/reason-dialog.js';
import '../../workflows/workflows.css';
import { DISABLE_PRINCIPAL_MUTATION, ENABLE_PRINCIPAL_MUTATION, PEOPLE_QUERY, SET_PRINCIPAL_ROLE_MUTATION } from '../api/people.query.js';
import '../people.css';
import { CreatePrincipalForm, ROLES } from './create-principal-form.js';

interface Person {
  id: string;
  name: string;
  email: string;
  role: string;
  disabledAt?: unknown;
}

/** Admins: who may act in Gatehouse, with what role; add people, change roles, disable and enable. */
export function PeoplePage() {
  const canCreate = useCan('createPrincipal');
  const canSetRole = useCan('setPrincipalRole');
  const canDisable = useCan('disablePrincipal');
  const canEnable = useCan('enablePrincipal');
  const myId = useMyId();
  const people = useGraphQLQuery(PEOPLE_QUERY, {});
  const setRole = useGraphQLMutation(SET_PRINCIPAL_ROLE_MUTATION);
  const disable = useGraphQLMutation(DISABLE_PRINCIPAL_MUTATION);
  const enable = useGraphQLMutation(ENABLE_PRINCIPAL_MUTATION);
  const [disabling, setDisabling] = useState<Person | null>(null);
  const list = people.data?.principals ?? [];

  return (
    <>
      <ScreenHeader title="People" subtitle="Who may act in Gatehouse, and with which role. Disabling ends their sessions and stops their API keys." />
      {canCreate ? <CreatePrincipalForm /> : null}
      {people.error ? <ErrorMessage error={people.error} onRetry={() => void people.refetch()} /> : null}
      {setRole.error ? <ErrorMessage title="Role not changed" error={setRole.error} /> : null}
      {enable.error ? <ErrorMessage title="Not enabled" error={enable.error} /> : null}
      {people.data && list.length === 0 ? <EmptyState title="Nobody yet" description="Add the people who review, own and administer workflows." /> : null}
      {list.length > 0 ? (
        <table className="pp-table" aria-label="People">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              {canDisable || canEnable ? <th scope="col">Action</th> : null}
            </tr>
          </thead>
          <tbody>
            {list.map((p) => {
              const disabled = p.disabledAt != null;
              const self = p.id === myId;
              return (
                <tr key={p.id} className={disabled ? 'pp-disabled' : undefined}>
                  <td>{p.name}</td>
                  <td>{p.email}</td>
                  <td>
                    {canSetRole && !disabled && !self ? (
                      <select aria-label={`Role of ${p.name}`} value={p.role} disabled={setRole.isPending} onChange={(e) => setRole.mutate({ principal: p.id, role: e.target.value as Role })}>
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    ) : (
                      p.role
                    )}
                  </td>
                  <td>{disabled ? <>Disabled <time dateTime={String(p.disabledAt)}>{new Date(String(p.disabledAt)).toLocaleDateString()}</time></> : 'Enabled'}</td>
                  {canDisable || canEnable ? (
                    <td>
                      {disabled && canEnable ? (
                        <Button variant="secondary" aria-label={`Enable ${p.name}`} onClick={() => enable.mutate({ principal: p.id })}>
                          Enable
                        </Button>
                      ) : null}
                      {!disabled && canDisable && !self ? (
                        <Button variant="danger" aria-label={`Disable ${p.name}`} onClick={() => setDisabling(p)}>
                          Disable
                        </Button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {disabling ? (
        <ReasonDialog
          title={`Disable ${disabling.name}?`}
          description={`${disabling.email} can no longer sign in; their sessions end now and their API keys stop working. You can enable them again later.`}
          confirmLabel="Disable"
          variant="danger"
          onConfirm={(reason) => disable.mutateAsync({ principal: disabling.id, reason })}
          onClose={() => setDisabling(null)}
        />
      ) : null}
    </>
  );
}
