import { In } from 'typeorm';
import type { Workflow, WorkflowDefinition, WorkflowVersion } from '@gatehouse/domain';
import { WorkflowVersionEntity } from '../entities/index.js';
import { toVersion } from './workflow.mapper.js';
import type { Tx } from './transaction.js';

/**
 * A version's definition never changes once it is published, so each is read once per process
 * (the API starting runs, the runner executing them). Which version is published is not cached:
 * callers read the workflow row for that.
 */
export class VersionCache {
  private readonly versions = new Map<string, WorkflowVersion>();
  constructor(private readonly limit = 500) {}

  /** The definitions of these versions (as runs reference them); unknown ids are left out. */
  async definitions(db: Tx, versionIds: Iterable<string>): Promise<Map<string, WorkflowDefinition>> {
    const wanted = [...new Set(versionIds)];
    const missing = wanted.filter((id) => !this.versions.has(id));
    if (missing.length > 0) {
      for (const entity of await db.findBy(WorkflowVersionEntity, { id: In(missing) })) this.remember(toVersion(entity));
    }
    return new Map(wanted.flatMap((id) => (this.versions.has(id) ? [[id, this.versions.get(id)!.definition] as const] : [])));
  }

  /** The workflow's published version, as its row (read fresh by the caller) names it. */
  async published(db: Tx, workflow: Workflow): Promise<WorkflowVersion | null> {
    const id = workflow.publishedVersionId;
    if (!id) return null;
    if (!this.versions.has(id)) {
      const entity = await db.findOne(WorkflowVersionEntity, { where: { id } });
      if (!entity) return null;
      this.remember(toVersion(entity));
    }
    // A cached version may have been superseded and republished since; the workflow row decides.
    return { ...this.versions.get(id)!, status: 'published' };
  }

  /** One version by id (a challenger the workflow row names); null when there is none. */
  async byId(db: Tx, id: string): Promise<WorkflowVersion | null> {
    if (!this.versions.has(id)) {
      const entity = await db.findOne(WorkflowVersionEntity, { where: { id } });
      if (!entity) return null;
      this.remember(toVersion(entity));
    }
    return this.versions.get(id) ?? null;
  }

  private remember(version: WorkflowVersion): void {
    if (this.versions.size >= this.limit) this.versions.delete(this.versions.keys().next().value!);
    this.versions.set(version.id, version);
  }
}
