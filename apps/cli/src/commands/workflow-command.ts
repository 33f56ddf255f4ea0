import { isGatehouseError, type WorkflowVersion } from '@gatehouse/sdk';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseCommandArgs, positiveInt } from '../cli-args.js';
import { CliError, type CliErrorCode } from '../cli-error.js';
import { type Command } from '../command.js';

/** What `workflow export` writes and `workflow import` reads. */
export interface ExportedWorkflowVersion {
  type: 'gatehouse.workflow-version';
  formatVersion: 1;
  workflowKey: string;
  version: number;
  status: string;
  changeNote: string;
  exportedAt: string;
  definition: Record<string, unknown>;
  /** The reviewers' runbook (Markdown), when the version has one. */
  runbook: string | null;
}

const API_NOTE = `Talks to the API (GATEHOUSE_API_URL, default http://127.0.0.1:4000) with GATEHOUSE_API_KEY, so the
key's role, workflow scope and the API's audit apply as for any other client.`;

export const workflowExport: Command = {
  path: ['workflow', 'export'],
  summary: "write a workflow version's definition and runbook as JSON",
  usage: `usage: gatehouse workflow export --key <workflow key> [--version <n>] [--out <file>]

Writes the version's definition and runbook as one JSON document (default: the published
version, else the newest). --out never overwrites an existing file; without it, stdout.
${API_NOTE}
Exit codes: 0 ok, 2 bad usage, unknown workflow or version, or the API refused the key.`,
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { key: { type: 'string' }, version: { type: 'string' }, out: { type: 'string' } });
    if (!values.key) throw new CliError('BAD_ARGUMENT', '--key is required (the workflow key)');
    const wanted = positiveInt(values.version, '--version');
    const workflow = await viaApi(() => ctx.api().workflow(values.key!));
    const version: WorkflowVersion | undefined =
      wanted !== null ? workflow.versions.find((v) => v.version === wanted) : (workflow.publishedVersion ?? workflow.versions[0]);
    if (!version) throw new CliError('NOT_FOUND', wanted !== null ? `workflow ${values.key} has no version ${wanted}` : `workflow ${values.key} has no versions`);
    const document: ExportedWorkflowVersion = {
      type: 'gatehouse.workflow-version',
      formatVersion: 1,
      workflowKey: workflow.key,
      version: version.version,
      status: version.status,
      changeNote: version.changeNote,
      exportedAt: new Date().toISOString(),
      definition: version.definition,
      runbook: version.runbook ?? null,
    };
    const text = `${JSON.stringify(document, null, 2)}\n`;
    if (values.out) {
      const out = createWriteStream(values.out, { flags: 'wx' });
      await once(out, 'open').catch((error: Error) => {
        throw new CliError('BAD_ARGUMENT', `cannot create --out ${values.out}: ${error.message}`);
      });
      out.end(text);
      await once(out, 'close');
      ctx.io.stderr.write(`exported ${workflow.key} version ${version.version} (${version.status}) to ${values.out}\n`);
    } else {
      ctx.io.stdout.write(text);
    }
    return 0;
  },
};

export const workflowImport: Command = {
  path: ['workflow', 'import'],
  summary: 'propose a definition (and runbook) from a file as the next version of a workflow',
  usage: `usage: gatehouse workflow import --file <file> --key <workflow key> [--note <text>]

Proposes the file's definition (an export of \`gatehouse workflow export\`, or a bare definition)
as the next version of the workflow --key, with its runbook if the file has one. It is only
proposed: the workflow's change approver (never the key's principal, who becomes its author)
approves it and an owner publishes it, as for any other change.
${API_NOTE}
Exit codes: 0 proposed, 1 the API refused the definition (BAD_USER_INPUT with each problem,
CONFLICT, PRECONDITION_FAILED), 2 bad usage, unreadable file, unknown workflow or the key may not.`,
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { file: { type: 'string' }, key: { type: 'string' }, note: { type: 'string' } });
    if (!values.file) throw new CliError('BAD_ARGUMENT', '--file is required (a workflow export or a definition as JSON)');
    if (!values.key) throw new CliError('BAD_ARGUMENT', '--key is required (the workflow to propose the version for)');
    const { definition, runbook, source } = await readDefinition(values.file);
    const proposed = await viaApi(() =>
      ctx.api().proposeWorkflowVersion({ workflowKey: values.key!, definition, runbook, changeNote: values.note ?? `Imported from ${source}` }),
    );
    const { stdout } = ctx.io;
    stdout.write(`proposed ${values.key} version ${proposed.version} (${proposed.status}); it needs the change approver's approval before it can be published\n`);
    if (!proposed.publishReadiness.ready) {
      stdout.write('still missing for publishing:\n');
      for (const m of proposed.publishReadiness.missing) stdout.write(`  ${m.point} ${m.item}: ${m.message}\n`);
    }
    return 0;
  },
};

async function readDefinition(file: string): Promise<{ definition: Record<string, unknown>; runbook: string | null; source: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError('BAD_ARGUMENT', `cannot read --file ${file} as JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CliError('BAD_ARGUMENT', `--file ${file} must hold a JSON object`);
  const doc = parsed as Partial<ExportedWorkflowVersion> & Record<string, unknown>;
  if (doc.type === 'gatehouse.workflow-version') {
    if (!doc.definition || typeof doc.definition !== 'object') throw new CliError('BAD_ARGUMENT', `--file ${file} is a workflow export without a definition`);
    return { definition: doc.definition, runbook: typeof doc.runbook === 'string' ? doc.runbook : null, source: `${doc.workflowKey} version ${doc.version}` };
  }
  return { definition: doc, runbook: null, source: file };
}

const PASSED_THROUGH = ['BAD_USER_INPUT', 'CONFLICT', 'PRECONDITION_FAILED', 'NOT_FOUND', 'UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED'] as const satisfies readonly CliErrorCode[];

/** The SDK's errors as the CLI's: refusals of the content exit 1, everything about access or reachability 2. */
async function viaApi<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isGatehouseError(error)) throw error;
    const details = error.code === 'BAD_USER_INPUT' ? issuesOf(error.details) : '';
    const passed = PASSED_THROUGH.find((code) => code === error.code);
    if (passed) throw new CliError(passed, `${error.message}${details}`);
    throw new CliError('API_UNAVAILABLE', `${error.code}: ${error.message}`);
  }
}

function issuesOf(details: unknown): string {
  const issues = (details as { issues?: Array<{ path?: string; message?: string }> } | undefined)?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return '';
  return `\n${issues.map((i) => `  ${i.path || '/'}: ${i.message ?? ''}`).join('\n')}`;
}
