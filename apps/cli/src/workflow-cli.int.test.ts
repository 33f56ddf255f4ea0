import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportedWorkflowVersion } from './commands/workflow-command.js';
import { cli } from './test/run-cli.js';
import { KEYS, publishedWorkflow, startTestApi, type TestApi } from './test/test-api.js';

let api: TestApi;
let dir: string;
const as = (key: string) => ({ GATEHOUSE_API_URL: api.baseUrl, GATEHOUSE_API_KEY: key });

const VERSIONS = `query ($key: String!) { workflow(key: $key) { versions { version status changeNote runbook definition author { email } } } }`;

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'cli-wf');
  dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-wf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await api?.close();
});

describe('gatehouse workflow export / import (through the API)', () => {
  it('exports the published version with its runbook, and imports it as a proposed next version', async () => {
    const file = path.join(dir, 'cli-wf.json');
    const exported = await cli(['workflow', 'export', '--key', 'cli-wf', '--out', file], as(KEYS.viewer));
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain(`exported cli-wf version 1 (published) to ${file}`);
    const doc = JSON.parse(await readFile(file, 'utf8')) as ExportedWorkflowVersion;
    const [v1] = (await api.ok<{ workflow: { versions: Array<Record<string, any>> } }>(KEYS.owner, VERSIONS, { key: 'cli-wf' })).workflow.versions;
    expect(doc).toMatchObject({ type: 'gatehouse.workflow-version', formatVersion: 1, workflowKey: 'cli-wf', version: 1, status: 'published', definition: v1!.definition, runbook: v1!.runbook });
    expect(doc.runbook).toContain('## Overview');

    // --out never overwrites.
    const again = await cli(['workflow', 'export', '--key', 'cli-wf', '--out', file], as(KEYS.viewer));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('[BAD_ARGUMENT]: cannot create --out');

    const imported = await cli(['workflow', 'import', '--file', file, '--key', 'cli-wf', '--note', 'Restored from backup'], as(KEYS.owner));
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain("proposed cli-wf version 2 (proposed); it needs the change approver's approval before it can be published");
    const versions = (await api.ok<{ workflow: { versions: Array<Record<string, any>> } }>(KEYS.owner, VERSIONS, { key: 'cli-wf' })).workflow.versions;
    // Never published directly: proposed, authored by the key's principal, with definition and runbook as exported.
    expect(versions[0]).toMatchObject({ version: 2, status: 'proposed', changeNote: 'Restored from backup', author: { email: 'olive@gatehouse.dev' }, definition: doc.definition, runbook: doc.runbook });
    const trail = await api.ds.query(`SELECT action FROM audit_events WHERE action LIKE 'workflow_version.%' ORDER BY seq DESC LIMIT 1`);
    expect(trail).toEqual([{ action: 'workflow_version.proposed' }]);
  });

  it('exports a given version to stdout', async () => {
    const result = await cli(['workflow', 'export', '--key', 'cli-wf', '--version', '1'], as(KEYS.owner));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ workflowKey: 'cli-wf', version: 1 });
  });

  it('imports a bare definition; the API refuses an invalid one with each problem (exit 1)', async () => {
    const doc = JSON.parse((await cli(['workflow', 'export', '--key', 'cli-wf', '--version', '1'], as(KEYS.owner))).stdout) as ExportedWorkflowVersion;
    const bare = path.join(dir, 'bare.json');
    await writeFile(bare, JSON.stringify(doc.definition));
    const ok = await cli(['workflow', 'import', '--file', bare, '--key', 'cli-wf'], as(KEYS.owner));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('proposed cli-wf version 3 (proposed)');

    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, JSON.stringify({ ...doc.definition, steps: [] }));
    const refused = await cli(['workflow', 'import', '--file', broken, '--key', 'cli-wf'], as(KEYS.owner));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/gatehouse: error \[BAD_USER_INPUT\]: .+\n {2}\/steps/);
  });

  it.each([
    ['a role that may not propose', 'FORBIDDEN', KEYS.integrator, ['workflow', 'import', '--file', '__FILE__', '--key', 'cli-wf']],
    ['an unknown key', 'UNAUTHENTICATED', 'gh_not_a_key', ['workflow', 'export', '--key', 'cli-wf']],
    ['an unknown workflow', 'NOT_FOUND', KEYS.owner, ['workflow', 'export', '--key', 'nope']],
    ['an unknown version', 'NOT_FOUND', KEYS.owner, ['workflow', 'export', '--key', 'cli-wf', '--version', '99']],
    ['a missing file', 'BAD_ARGUMENT', KEYS.owner, ['workflow', 'import', '--file', '/nonexistent.json', '--key', 'cli-wf']],
    ['no --key', 'BAD_ARGUMENT', KEYS.owner, ['workflow', 'export']],
  ])('%s → exit 2 [%s]', async (_what, code, key, args) => {
    const file = path.join(dir, 'cli-wf.json');
    const result = await cli(args.map((a) => (a === '__FILE__' ? file : a)), as(key));
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`gatehouse: error [${code}]`);
  });

  it('needs GATEHOUSE_API_KEY and a reachable API', async () => {
    const noKey = await cli(['workflow', 'export', '--key', 'cli-wf'], { GATEHOUSE_API_URL: api.baseUrl });
    expect(noKey).toMatchObject({ code: 2, stderr: expect.stringContaining('gatehouse: error [BAD_ENVIRONMENT]: GATEHOUSE_API_KEY is required') });
    const down = await cli(['workflow', 'export', '--key', 'cli-wf'], { GATEHOUSE_API_URL: 'http://127.0.0.1:1', GATEHOUSE_API_KEY: KEYS.owner });
    expect(down).toMatchObject({ code: 2, stderr: expect.stringContaining('gatehouse: error [API_UNAVAILABLE]: NETWORK_ERROR') });
  });
});
