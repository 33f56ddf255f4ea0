import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './test/test-api.js';

const execFileAsync = promisify(execFile);
const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../README.md');

/** The bash blocks between the walkthrough markers, exactly as a person would paste them. */
function walkthroughScript(): string {
  const text = readFileSync(README, 'utf8');
  const section = text.split('<!-- walkthrough:start -->')[1]?.split('<!-- walkthrough:end -->')[0];
  if (!section) throw new Error('README has no walkthrough markers');
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
}

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('README GraphQL walk-through', () => {
  it('works exactly as written against a fresh database', async () => {
    const script = walkthroughScript();
    const calls = script.match(/^gql gh_dev_/gm)?.length ?? 0;
    expect(calls).toBeGreaterThanOrEqual(6);
    const { stdout } = await execFileAsync('bash', ['-c', script], { env: { ...process.env, GH: api.graphqlUrl }, timeout: 30_000 });
    const responses = stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { data?: any; errors?: unknown[] });
    expect(responses).toHaveLength(calls);
    for (const r of responses) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();

    const [created, proposed, approved, published, started, runs, workflow] = responses.map((r) => r.data);
    expect(created.createWorkflow).toEqual({ key: 'order-refunds', rolloutStage: 'shadow', paused: false });
    expect(proposed.proposeWorkflowVersion).toEqual({ version: 1, status: 'proposed', publishReadiness: { ready: true, missing: [] } });
    expect(approved.approveWorkflowVersion).toEqual({ version: 1, status: 'approved' });
    expect(published.publishWorkflowVersion.publishedVersion).toEqual({ version: 1, status: 'published' });
    expect(started.startRun).toMatchObject({ replayed: false, run: { status: 'queued', mode: 'shadow', currentStepId: 'classify' } });
    expect(runs.runs.edges).toHaveLength(1);
    expect(runs.runs.edges[0].node).toMatchObject({ id: started.startRun.run.id, status: 'queued', workflow: { key: 'order-refunds' }, version: 1, createdBy: { name: 'Ivy Integrator' } });
    expect(workflow.verifyAuditChain.ok).toBe(true);
    expect(workflow.workflow.versions).toEqual([{ version: 1, status: 'published', author: { name: 'Olive Owner' }, approvedBy: { name: 'Oscar Approver' } }]);
  });
});
