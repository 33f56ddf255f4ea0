import { PrincipalEntity, WorkflowEntity, WorkflowVersionEntity } from '../entities/index.js';
import { DomainError, type Workflow, type WorkflowVersion } from '@gatehouse/domain';
import type { Tx } from './transaction.js';
import { toVersion, toWorkflow } from './workflow.mapper.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Loads a workflow by key; `lock` takes a row lock so concurrent changes serialize. */
export async function loadWorkflow(tx: Tx, key: string, lock = false): Promise<Workflow> {
  const entity = await tx.findOne(WorkflowEntity, {
    where: { key },
    ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  if (!entity) throw new DomainError('not_found', `No workflow with key "${key}". List them with the workflows query.`, { workflowKey: key });
  return toWorkflow(entity);
}

export async function loadVersion(tx: Tx, workflow: Workflow, version: number, lock = false): Promise<WorkflowVersion> {
  const entity = await tx.findOne(WorkflowVersionEntity, {
    where: { workflowId: workflow.id, version },
    ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  if (!entity) throw new DomainError('not_found', `Workflow "${workflow.key}" has no version ${version}.`, { workflowKey: workflow.key, version });
  return toVersion(entity);
}

export async function loadPublishedVersion(tx: Tx, workflow: Workflow): Promise<WorkflowVersion | null> {
  if (!workflow.publishedVersionId) return null;
  const entity = await tx.findOne(WorkflowVersionEntity, { where: { id: workflow.publishedVersionId } });
  return entity ? toVersion(entity) : null;
}

/** Principals are referenced by id or by email, whichever the caller has at hand. */
export async function resolvePrincipalRef(tx: Tx, ref: string, field: string): Promise<PrincipalEntity> {
  const trimmed = ref.trim();
  const entity = await tx.findOne(PrincipalEntity, { where: isUuid(trimmed) ? { id: trimmed } : { email: trimmed.toLowerCase() } });
  if (!entity || entity.disabledAt) {
    throw new DomainError('invalid_input', `${field}: no active principal with id or email "${trimmed}".`, { field });
  }
  return entity;
}
