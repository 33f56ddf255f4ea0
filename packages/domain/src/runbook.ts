import { Lexer, type Token } from 'marked';
import { createHash } from 'node:crypto';
import { DomainError } from './errors.js';
import { raisableExceptionReasons } from './raisable-exceptions.js';
import type { ExceptionReason, WorkflowDefinition } from './workflow-definition.js';
import type { RolloutStage, Workflow } from './workflow.js';

/*
 * A workflow version's runbook: Markdown written for a reviewer who has never seen the
 * workflow. Sections are found by their heading (docs/runbooks.md):
 *   ## Overview                   what the workflow does            (required)
 *   ## Contacts                   who to call                       (required)
 *   ## Exception: <reason>        what to check and do for a reason (required per raisable reason)
 *   ## Approvals                  general guidance for approvals    (optional)
 *   ## Approval: <stepId>         guidance for one approval step    (optional)
 * Any heading level works; a section runs to the next heading of the same or a higher level,
 * so ### sub-headings stay inside it. Headings match case-insensitively, and in a reason
 * spaces and hyphens count as underscores ("Exception: Low confidence").
 */

/** 100 kB: a runbook is read beside a queue item, not a manual. */
export const MAX_RUNBOOK_BYTES = 100_000;

export interface RunbookSection {
  /** The heading as written, without the #s. */
  heading: string;
  /** The normalised key the heading matches on, e.g. "exception:low_confidence". */
  key: string;
  /** The section's body as Markdown, without its heading. */
  markdown: string;
}

export interface MissingRunbookSection {
  /** The heading to add, e.g. "Exception: timeout". */
  heading: string;
  /** The exception reason the section is for; null for Overview and Contacts. */
  reason: ExceptionReason | null;
  message: string;
}

export interface RunbookCheck {
  complete: boolean;
  missing: MissingRunbookSection[];
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;
const strip = (text: string) => text.replace(/[`*]/g, '').replace(/\s+/g, ' ').trim();

/** The key a heading matches on: "Exception: Low confidence" → "exception:low_confidence". */
export function sectionKey(heading: string): string {
  const text = strip(heading).toLowerCase();
  const colon = text.indexOf(':');
  if (colon < 0) return text;
  const kind = text.slice(0, colon).trim();
  const subject = text.slice(colon + 1).trim();
  return `${kind}:${kind === 'exception' ? subject.replace(/[\s-]+/g, '_') : subject}`;
}

export const exceptionSectionKey = (reason: string) => `exception:${reason}`;
export const approvalSectionKey = (stepId: string) => `approval:${stepId.toLowerCase()}`;

/** Every heading's section, in document order. Pure and cheap: marked's lexer, no rendering. */
export function parseRunbook(markdown: string): RunbookSection[] {
  const tokens: Token[] = new Lexer().lex(markdown);
  const sections: RunbookSection[] = [];
  tokens.forEach((token, at) => {
    if (token.type !== 'heading') return;
    const depth = (token as { depth: number }).depth;
    let body = '';
    for (const next of tokens.slice(at + 1)) {
      if (next.type === 'heading' && (next as { depth: number }).depth <= depth) break;
      body += next.raw;
    }
    const heading = strip((token as { text: string }).text);
    sections.push({ heading, key: sectionKey(heading), markdown: body.trim() });
  });
  return sections;
}

/** The first section with this key that says something; null when there is none. */
export function findSection(sections: readonly RunbookSection[], key: string): RunbookSection | null {
  return sections.find((s) => s.key === key && s.markdown !== '') ?? null;
}

/** The section a reviewer reads beside an exception with this reason. */
export function sectionForException(sections: readonly RunbookSection[], reason: string): RunbookSection | null {
  return findSection(sections, exceptionSectionKey(reason));
}

/** The section beside an approval of this step: its own, else the general Approvals one. */
export function sectionForApproval(sections: readonly RunbookSection[], stepId: string): RunbookSection | null {
  return findSection(sections, approvalSectionKey(stepId)) ?? findSection(sections, 'approvals');
}

/**
 * Every section the runbook still lacks for this definition, all at once: Overview, Contacts
 * and one per exception reason the definition can raise. A heading with nothing under it
 * counts as missing. No runbook at all lacks every one of them.
 */
export function checkRunbook(runbook: string | null, definition: WorkflowDefinition): RunbookCheck {
  const sections = runbook === null ? [] : parseRunbook(runbook);
  const missing: MissingRunbookSection[] = [];
  const need = (key: string, heading: string, reason: ExceptionReason | null, what: string) => {
    if (findSection(sections, key)) return;
    const empty = sections.some((s) => s.key === key);
    missing.push({ heading, reason, message: `Add a "## ${heading}" section ${what}${empty ? ' (the heading is there but says nothing)' : ''}.` });
  };
  need('overview', 'Overview', null, 'saying what the workflow does');
  need('contacts', 'Contacts', null, 'saying who to call');
  for (const reason of raisableExceptionReasons(definition)) {
    need(exceptionSectionKey(reason), `Exception: ${reason}`, reason, `saying what a reviewer should check and do on ${reason.replaceAll('_', ' ')}`);
  }
  return { complete: missing.length === 0, missing };
}

/** A proposed runbook: blank is none, larger than MAX_RUNBOOK_BYTES is refused. */
export function normalizeRunbook(runbook: string | null | undefined): string | null {
  if (runbook == null || runbook.trim() === '') return null;
  const bytes = utf8Bytes(runbook);
  if (bytes > MAX_RUNBOOK_BYTES) {
    throw new DomainError('invalid_input', `runbook: ${bytes} bytes is over the limit of ${MAX_RUNBOOK_BYTES}; keep it to what a reviewer needs beside an item and link to longer documents.`, { field: 'runbook', bytes, limit: MAX_RUNBOOK_BYTES });
  }
  return runbook;
}

/** What the audit trail records about a version's runbook: whether there is one and its hash. */
export function runbookFacts(runbook: string | null): { supplied: boolean; sha256: string | null; bytes: number } {
  if (runbook === null) return { supplied: false, sha256: null, bytes: 0 };
  return { supplied: true, sha256: createHash('sha256').update(runbook, 'utf8').digest('hex'), bytes: utf8Bytes(runbook) };
}

/**
 * The runbook rule for execute: a version runs in execute only with every required section.
 * Refuses with runbook_incomplete, listing every missing section at once.
 */
export function assertRunbookComplete(workflowKey: string, version: { version: number; definition: WorkflowDefinition; runbook: string | null }, why: string): void {
  const check = checkRunbook(version.runbook, version.definition);
  if (check.complete) return;
  throw new DomainError(
    'runbook_incomplete',
    `${why}: the runbook of v${version.version} of "${workflowKey}" ${version.runbook === null ? 'is missing' : 'is incomplete'} — add ${check.missing.map((m) => `"## ${m.heading}"`).join(', ')}.`,
    { version: version.version, missing: check.missing },
  );
}

/**
 * Promoting to execute needs the published version's runbook complete. Not part of the
 * promotion gate's overridable checks: an admin override buys speed, never a reviewer left
 * without instructions.
 */
export function assertRunbookForStage(workflow: Pick<Workflow, 'key' | 'rolloutStage'>, stage: RolloutStage, published: { version: number; definition: WorkflowDefinition; runbook: string | null } | null): void {
  // Without a published version setRolloutStage refuses anyway; already in execute is no promotion.
  if (stage !== 'execute' || workflow.rolloutStage === 'execute' || published === null) return;
  assertRunbookComplete(workflow.key, published, 'Cannot promote to execute');
}
