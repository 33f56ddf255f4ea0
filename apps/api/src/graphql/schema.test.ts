import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printGatehouseSchema, SCHEMA_FILE } from './print-schema.js';

describe('schema.graphql', () => {
  it('matches the schema the resolvers build (run `pnpm --filter @gatehouse/api schema` after a change)', async () => {
    expect(await printGatehouseSchema()).toBe(readFileSync(SCHEMA_FILE, 'utf8'));
  });

  it('keeps the surface DESIGN.md promises integrators', async () => {
    const sdl = await printGatehouseSchema();
    for (const q of ['me', 'workflows', 'workflow(key', 'run(id', 'runs(', 'exceptionQueue(', 'approvals(', 'auditTrail(', 'verifyAuditChain']) expect(sdl).toContain(`  ${q}`);
    for (const m of ['createWorkflow', 'proposeWorkflowVersion', 'approveWorkflowVersion', 'publishWorkflowVersion', 'rollbackWorkflow', 'setRolloutStage', 'pauseWorkflow', 'resumeWorkflow', 'startRun', 'cancelRun', 'recordHumanOutcome', 'decideApproval', 'claimException', 'resolveException', 'createApiKey', 'revokeApiKey']) {
      expect(sdl).toContain(`  ${m}(`);
    }
    expect(sdl).toMatch(/input CreateWorkflowInput \{[^}]*\n {2}name: String!/);
  });
});
