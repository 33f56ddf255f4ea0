import { WorkflowEntity } from '@gatehouse/db';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { createServices } from '../services.js';
import { INVOICE_APPROVAL_RUNBOOK, SUPPORT_TRIAGE_RUNBOOK } from './demo-runbooks.js';
import { INVOICE_APPROVAL, INVOICE_APPROVAL_V2, SUPPORT_TRIAGE } from './demo-workflows.js';
import { devPrincipal } from './dev-principals.js';

/**
 * Demo workflows and runs, created through the real services so every step is validated and
 * audited exactly as a person's would be. Skipped when the demo workflows already exist.
 */
export async function seedDemoData(ds: DataSource, logger: Pick<Logger, 'warn'>): Promise<{ workflows: number; runs: number } | null> {
  if (await ds.getRepository(WorkflowEntity).exists({ where: { key: 'support-triage' } })) return null;
  const s = createServices(ds, logger);
  const owner = devPrincipal('gh_dev_owner');
  const approver = devPrincipal('gh_dev_approver');
  const integrator = devPrincipal('gh_dev_integrator');
  const owners = { operationalOwner: owner.email, changeApprover: approver.email, failureReviewer: devPrincipal('gh_dev_reviewer').email };

  await s.workflows.create(owner, {
    key: 'support-triage',
    name: 'Support ticket triage',
    description: 'Classifies incoming tickets and drafts the first reply.',
    outcome: { statement: 'Customers get a correct first reply faster.', targetMetric: 'median time to first reply under 2h' },
    owners,
  });
  await s.workflows.propose(owner, 'support-triage', SUPPORT_TRIAGE, 'First version: rules classifier and reviewed replies.', SUPPORT_TRIAGE_RUNBOOK);
  await s.workflows.approve(approver, 'support-triage', 1, 'Looks right; boundary excludes refunds.');
  await s.workflows.publish(owner, 'support-triage', 1);
  // Demo data has no shadow history to earn the promotion gate with, and inventing outcomes and
  // sign-offs would pass made-up evidence off as real: an admin overrides the gate, audited as such.
  const admin = devPrincipal('gh_dev_admin');
  await s.workflows.setStage(admin, 'support-triage', 'draft', 'demo data', true);
  await s.workflows.setStage(admin, 'support-triage', 'execute', 'demo data', true);

  await s.workflows.create(owner, {
    key: 'invoice-approval',
    name: 'Supplier invoice approval',
    description: 'Categorises invoices and schedules payment after sign-off.',
    outcome: { statement: 'Invoices are paid on time without duplicate payments.', targetMetric: 'on-time payment rate above 98%' },
    owners,
  });
  await s.workflows.propose(owner, 'invoice-approval', INVOICE_APPROVAL, 'Shadow pilot.', INVOICE_APPROVAL_RUNBOOK);
  await s.workflows.approve(approver, 'invoice-approval', 1, null);
  await s.workflows.publish(owner, 'invoice-approval', 1);
  // A categoriser change proven on live traffic before it takes over: v2 shadows every invoice run.
  await s.workflows.propose(owner, 'invoice-approval', INVOICE_APPROVAL_V2, 'Categoriser v2: taxis, rail and SaaS seats.', INVOICE_APPROVAL_RUNBOOK);
  await s.workflows.approve(approver, 'invoice-approval', 2, 'Try it beside v1 first.');
  await s.challengers.attach(owner, { workflowKey: 'invoice-approval', version: 2, sharePercent: 100 });

  const tickets = [
    { ticketId: 'T-1001', customerEmail: 'sam@example.com', message: 'I was charged twice this month, please refund me.' },
    { ticketId: 'T-1002', customerEmail: 'kim@example.com', message: 'How do I export my data to CSV?' },
    { ticketId: 'T-1003', customerEmail: 'lee@example.com', message: 'The dashboard is down with a 500 error.' },
    { ticketId: 'T-1004', customerEmail: 'ana@example.com', message: 'Something odd happened with my account.' },
    { ticketId: 'T-1005', customerEmail: 'max@example.com', message: 'Where can I download my invoices?' },
  ];
  // Per-workflow scoping: the dev reviewers act on both demo workflows (the console demo and its e2e tests rely on it).
  for (const key of ['support-triage', 'invoice-approval']) {
    for (const reviewer of ['gh_dev_reviewer', 'gh_dev_reviewer2'] as const) await s.workflows.assignReviewer(owner, key, devPrincipal(reviewer).email);
  }

  const runs = [];
  for (const t of tickets) {
    runs.push((await s.runs.start(integrator, { workflowKey: 'support-triage', input: t, idempotencyKey: `demo-${t.ticketId}`, externalRef: t.ticketId })).run);
  }
  for (const inv of [
    { invoiceId: 'INV-77', supplier: 'Acme SaaS', amount: 1200, description: 'Annual subscription licence' },
    { invoiceId: 'INV-78', supplier: 'Rail Co', amount: 89.5, description: 'Train tickets for the offsite' },
  ]) {
    await s.runs.start(integrator, { workflowKey: 'invoice-approval', input: inv, idempotencyKey: `demo-${inv.invoiceId}`, externalRef: inv.invoiceId });
  }
  await s.auditSealer.stop();

  return { workflows: 2, runs: runs.length + 2 };
}
