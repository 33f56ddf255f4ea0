import { ApiKeyEntity, generateApiKey, hashApiKey, inTransaction, insertPrincipal, lockAdminRoster, recordEvents } from '@gatehouse/db';
import { createPrincipal, issueApiKey, type ApiKey, type PrincipalRecord } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import { type DataSource } from 'typeorm';

export type BootstrapResult = { outcome: 'created'; principal: PrincipalRecord; apiKey: ApiKey; key: string } | { outcome: 'admin_exists'; enabledAdmins: number };

/**
 * The first admin of a deployment and their API key, in one transaction, through the domain
 * (createPrincipal, issueApiKey) with the API's key format and hash (@gatehouse/db credentials),
 * audited as the system with the operator in the data. Under the admin-roster lock: when an
 * enabled admin exists — also one a concurrent run just created — it writes nothing.
 */
export async function bootstrapAdmin(ds: DataSource, input: { name: string; email: string; keyName: string; operator: string }): Promise<BootstrapResult> {
  const { key, prefix } = generateApiKey();
  // Hashed before the transaction, as the API does: the slow hash should not hold the lock.
  const keyHash = await hashApiKey(key);
  const now = new Date();
  return inTransaction(ds, async (tx) => {
    const enabledAdmins = await lockAdminRoster(tx);
    if (enabledAdmins > 0) return { outcome: 'admin_exists', enabledAdmins };
    const created = createPrincipal({ id: randomUUID(), name: input.name, email: input.email, role: 'admin' }, null, now);
    const issued = issueApiKey({ id: randomUUID(), principalId: created.state.id, name: input.keyName, prefix, principalRole: 'admin' }, null, now);
    await insertPrincipal(tx, created.state);
    await tx.insert(ApiKeyEntity, { ...issued.state, keyHash, hashScheme: 'scrypt' });
    const events = [...created.events, ...issued.events].map((e) => ({ ...e, data: { ...e.data, operator: input.operator } }));
    await recordEvents(tx, null, events);
    return { outcome: 'created', principal: created.state, apiKey: issued.state, key };
  });
}
