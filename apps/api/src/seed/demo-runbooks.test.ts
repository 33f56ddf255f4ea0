import { checkRunbook, parseRunbook, sectionForApproval, sectionForException } from '@gatehouse/domain';
import { describe, expect, it } from 'vitest';
import { INVOICE_APPROVAL_RUNBOOK, SUPPORT_TRIAGE_RUNBOOK } from './demo-runbooks.js';
import { INVOICE_APPROVAL, SUPPORT_TRIAGE } from './demo-workflows.js';

describe('demo runbooks', () => {
  it('are complete for their definitions (support-triage runs in execute)', () => {
    expect(checkRunbook(SUPPORT_TRIAGE_RUNBOOK, SUPPORT_TRIAGE)).toEqual({ complete: true, missing: [] });
    expect(checkRunbook(INVOICE_APPROVAL_RUNBOOK, INVOICE_APPROVAL)).toEqual({ complete: true, missing: [] });
  });

  it('have a section beside the demo exception (T-1004: low confidence) and every approval step', () => {
    const triage = parseRunbook(SUPPORT_TRIAGE_RUNBOOK);
    expect(sectionForException(triage, 'low_confidence')?.markdown).toMatch(/hand off\*\* to `tier2`/);
    expect(sectionForApproval(triage, 'reply')?.heading).toBe('Approval: reply');
    expect(sectionForApproval(triage, 'send-article')?.heading).toBe('Approvals');
    const invoices = parseRunbook(INVOICE_APPROVAL_RUNBOOK);
    expect(sectionForApproval(invoices, 'sign-off')?.heading).toBe('Approval: sign-off');
    expect(sectionForApproval(invoices, 'pay')?.heading).toBe('Approval: pay');
  });
});
