import { describe, expect, it } from 'vitest';
import {
  MAX_RUNBOOK_BYTES,
  assertRunbookForStage,
  checkRunbook,
  normalizeRunbook,
  parseRunbook,
  runbookFacts,
  sectionForApproval,
  sectionForException,
  sectionKey,
} from './runbook.js';
import { createVersion, publishVersion } from './workflow-version.js';
import { LATER, NOW, actors, expectDomainError, fullDefinition, makeVersion, makeWorkflow, runbookFor } from './test/fixtures.js';

const ALL_REASONS = ['low_confidence', 'invalid_output', 'tool_error', 'missing_data', 'timeout', 'model_error'];

describe('sectionKey', () => {
  it('normalises case, spacing, inline code and reason spelling', () => {
    expect(sectionKey('Overview')).toBe('overview');
    expect(sectionKey('  CONTACTS ')).toBe('contacts');
    expect(sectionKey('Exception: `low_confidence`')).toBe('exception:low_confidence');
    expect(sectionKey('Exception:  Low confidence')).toBe('exception:low_confidence');
    expect(sectionKey('exception : missing-data')).toBe('exception:missing_data');
    expect(sectionKey('Approval: Sign-Off')).toBe('approval:sign-off');
  });
});

describe('parseRunbook', () => {
  it('splits by heading; a section runs to the next heading of the same or a higher level', () => {
    const sections = parseRunbook('# Title\n\nIntro.\n\n## Overview\nDoes things.\n\n### Detail\nMore.\n\n## Contacts\nCall Ana.\n');
    expect(sections.map((s) => [s.heading, s.key])).toEqual([
      ['Title', 'title'],
      ['Overview', 'overview'],
      ['Detail', 'detail'],
      ['Contacts', 'contacts'],
    ]);
    expect(sections[1]!.markdown).toBe('Does things.\n\n### Detail\nMore.');
    expect(sections[3]!.markdown).toBe('Call Ana.');
  });

  it('ignores heading-like lines inside code blocks and knows setext headings', () => {
    const sections = parseRunbook('Overview\n========\n\nRun it:\n\n```\n## Contacts\n```\n');
    expect(sections.map((s) => s.key)).toEqual(['overview']);
    expect(sections[0]!.markdown).toContain('## Contacts');
  });

  it('finds the section beside an exception and an approval (own step first, then Approvals)', () => {
    const sections = parseRunbook(runbookFor(['timeout'], '## Approvals\nCheck the draft.\n\n## Approval: sign-off\nCheck the amount.'));
    expect(sectionForException(sections, 'timeout')?.markdown).toContain('(timeout)');
    expect(sectionForException(sections, 'tool_error')).toBeNull();
    expect(sectionForApproval(sections, 'sign-off')).toMatchObject({ heading: 'Approval: sign-off', markdown: 'Check the amount.' });
    expect(sectionForApproval(sections, 'other-step')).toMatchObject({ heading: 'Approvals', markdown: 'Check the draft.' });
    expect(sectionForApproval(parseRunbook('## Overview\nx'), 'sign-off')).toBeNull();
  });
});

describe('checkRunbook', () => {
  it('is complete with Overview, Contacts and a section per raisable reason', () => {
    expect(checkRunbook(runbookFor(ALL_REASONS), fullDefinition())).toEqual({ complete: true, missing: [] });
  });

  it('lists every missing section at once when there is no runbook', () => {
    const check = checkRunbook(null, fullDefinition());
    expect(check.complete).toBe(false);
    expect(check.missing.map((m) => m.heading)).toEqual(['Overview', 'Contacts', ...ALL_REASONS.map((r) => `Exception: ${r}`)]);
    expect(check.missing[2]).toEqual({ heading: 'Exception: low_confidence', reason: 'low_confidence', message: 'Add a "## Exception: low_confidence" section saying what a reviewer should check and do on low confidence.' });
  });

  it('counts an empty section as missing and says so', () => {
    const check = checkRunbook(runbookFor(ALL_REASONS.filter((r) => r !== 'timeout'), '## Exception: timeout\n'), fullDefinition());
    expect(check.missing).toEqual([{ heading: 'Exception: timeout', reason: 'timeout', message: expect.stringContaining('the heading is there but says nothing') }]);
  });

  it('asks nothing for reasons the definition cannot raise', () => {
    const def = fullDefinition();
    def.steps = [def.steps[0]!];
    expect(checkRunbook(runbookFor(['missing_data', 'invalid_output']), def).complete).toBe(true);
  });
});

describe('normalizeRunbook and runbookFacts', () => {
  it('treats blank as none and refuses a runbook over the size limit', () => {
    expect(normalizeRunbook('  \n')).toBeNull();
    expect(normalizeRunbook(undefined)).toBeNull();
    expect(normalizeRunbook('x'.repeat(MAX_RUNBOOK_BYTES))).toHaveLength(MAX_RUNBOOK_BYTES);
    // Measured in UTF-8 bytes: 50,001 two-byte characters are over 100 kB.
    const error = expectDomainError(() => normalizeRunbook('é'.repeat(50_001)), 'invalid_input');
    expect(error.details).toEqual({ field: 'runbook', bytes: 100_002, limit: MAX_RUNBOOK_BYTES });
    expect(error.message).toMatch(/over the limit of 100000/);
  });

  it('records whether a runbook was supplied and its SHA-256', () => {
    expect(runbookFacts(null)).toEqual({ supplied: false, sha256: null, bytes: 0 });
    expect(runbookFacts('abc')).toEqual({ supplied: true, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', bytes: 3 });
  });

  it('createVersion keeps the runbook and audits its hash', () => {
    const { state, events } = createVersion({ id: 'v', workflowId: 'wf-1', version: 1, definition: fullDefinition(), runbook: 'abc' }, actors.author, NOW);
    expect(state.runbook).toBe('abc');
    expect(events[0]!.data.runbook).toEqual(runbookFacts('abc'));
    expectDomainError(() => createVersion({ id: 'v', workflowId: 'wf-1', version: 1, definition: fullDefinition(), runbook: 'x'.repeat(MAX_RUNBOOK_BYTES + 1) }, actors.author, NOW), 'invalid_input');
  });
});

describe('publishing and promoting to execute', () => {
  const approved = (runbook: string | null) => makeVersion({ status: 'approved', approvedBy: actors.approver.id, runbook });
  const live = makeVersion({ id: 'ver-0', version: 0, status: 'published' });

  it('refuses to publish in execute without a complete runbook, listing every missing section', () => {
    const workflow = makeWorkflow({ rolloutStage: 'execute', publishedVersionId: 'ver-0' });
    const error = expectDomainError(() => publishVersion(workflow, approved(runbookFor(['timeout'])), live, actors.approver, LATER), 'runbook_incomplete');
    expect(error.message).toBe(
      'Cannot publish to execute: the runbook of v1 of "support-triage" is incomplete — add "## Exception: low_confidence", "## Exception: invalid_output", "## Exception: tool_error", "## Exception: missing_data", "## Exception: model_error".',
    );
    expect((error.details.missing as Array<{ reason: string }>).map((m) => m.reason)).toEqual(['low_confidence', 'invalid_output', 'tool_error', 'missing_data', 'model_error']);
    expect(expectDomainError(() => publishVersion(workflow, approved(null), live, actors.approver, LATER), 'runbook_incomplete').message).toMatch(/runbook of v1 of "support-triage" is missing/);
  });

  it('publishes in execute with a complete runbook, and in shadow or draft without one', () => {
    expect(publishVersion(makeWorkflow({ rolloutStage: 'execute', publishedVersionId: 'ver-0' }), approved(runbookFor(ALL_REASONS)), live, actors.approver, LATER).published.status).toBe('published');
    expect(publishVersion(makeWorkflow({ rolloutStage: 'shadow' }), approved(null), null, actors.approver, LATER).published.runbook).toBeNull();
    expect(publishVersion(makeWorkflow({ rolloutStage: 'draft', publishedVersionId: 'ver-0' }), approved(null), live, actors.approver, LATER).published.status).toBe('published');
  });

  it('refuses a promotion to execute while the published runbook is incomplete; other moves pass', () => {
    const draft = makeWorkflow({ rolloutStage: 'draft' });
    const error = expectDomainError(() => assertRunbookForStage(draft, 'execute', approved(null)), 'runbook_incomplete');
    expect(error.message).toMatch(/^Cannot promote to execute: the runbook of v1 of "support-triage" is missing — add "## Overview", "## Contacts", /);
    expect(() => assertRunbookForStage(draft, 'execute', approved(runbookFor(ALL_REASONS)))).not.toThrow();
    expect(() => assertRunbookForStage(makeWorkflow({ rolloutStage: 'shadow' }), 'draft', approved(null))).not.toThrow();
    expect(() => assertRunbookForStage(makeWorkflow({ rolloutStage: 'execute' }), 'draft', approved(null))).not.toThrow();
  });
});
