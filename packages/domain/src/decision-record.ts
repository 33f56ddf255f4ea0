import { diffJson, type Approval, type ApprovalDecision, type ApprovalDecisionRecord } from './approval.js';
import type { AuditEvent } from './audit-event.js';
import { finalAction, recordChecks, type FinalActionOutcome, type RecordCheck } from './decision-record-checks.js';
import { dataFieldsRead, type DataFieldRead } from './decision-record-data-fields.js';
import type { DomainEvent } from './domain-event.js';
import type { ExceptionItem, ExceptionResolution } from './exception-item.js';
import type { HandOffRecord } from './hand-off.js';
import type { JsonValue } from './json-schema.js';
import { emptyRedactionSummary, mergeRedactionSummaries, PII_DETECTORS, redactDocument, type PiiDetector, type RedactionSummary } from './redaction.js';
import type { Run, RunMode, RunStatus } from './run.js';
import type { ShadowOutcome } from './shadow-outcome.js';
import type { StepAttempt } from './step-attempt.js';
import type { WorkflowDefinition } from './workflow-definition.js';

export * from './decision-record-checks.js';
export * from './decision-record-data-fields.js';

/**
 * Bumped when a field changes meaning or goes away (adding fields does not bump it), so an
 * archive of exported records can be read by the version each was written with.
 */
export const DECISION_RECORD_SCHEMA_VERSION = 1;
export const DECISION_RECORD_KIND = 'gatehouse.decision-record';

/** A person (or the system, id null) as the record names them. */
export interface RecordPerson {
  id: string | null;
  name: string | null;
  role: string | null;
}

/**
 * A payload as the record carries it: `recorded` (redacted), `none` (there never was one, e.g.
 * no output yet), or `purged` by retention (it existed and was deleted on purpose).
 */
export type RecordedPayload = { state: 'recorded'; value: JsonValue } | { state: 'none' } | { state: 'purged'; purgedAt: string };

export interface RecordEdit {
  /** Field-level summary: the JSON Patch operations from the AI's proposal to the edit, without values. */
  changes: Array<{ op: string; path: string }>;
  /** The edited value as approved (redacted). */
  edited: RecordedPayload;
}

export type HumanDecision =
  | { kind: 'approval_decision'; at: string; by: RecordPerson; approvalId: string; stepId: string; decision: ApprovalDecision; round: number; reason: string | null; edit: RecordEdit | null }
  | { kind: 'exception_resolution'; at: string; by: RecordPerson; exceptionId: string; stepId: string; exceptionReason: string; resolution: ExceptionResolution; note: string | null; overrideOutput: RecordedPayload | null; handOffTo: string | null }
  | { kind: 'cancellation'; at: string; by: RecordPerson; reason: string | null }
  | { kind: 'reopen'; at: string; by: RecordPerson; reason: string | null }
  | { kind: 'human_outcome'; at: string; by: RecordPerson; agreed: boolean | null };

export interface DecisionRecord {
  kind: typeof DECISION_RECORD_KIND;
  schemaVersion: typeof DECISION_RECORD_SCHEMA_VERSION;
  generatedAt: string;
  generatedBy: RecordPerson;
  workflow: { id: string; key: string; name: string; version: number; versionId: string };
  run: {
    id: string;
    externalRef: string | null;
    idempotencyKey: string;
    status: RunStatus;
    /** The rollout stage captured when the run started: shadow, draft or execute. */
    rolloutStage: RunMode;
    startedBy: RecordPerson;
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
    cancelReason: string | null;
    reopenCount: number;
    input: RecordedPayload;
    output: RecordedPayload;
    error: RecordedPayload;
  };
  dataFieldsRead: DataFieldRead[];
  steps: Array<{
    stepId: string;
    stepKind: string | null;
    attempt: number;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    provider: string | null;
    model: string | null;
    promptVersion: string | null;
    confidence: number | null;
    tokensIn: number | null;
    tokensOut: number | null;
    costUsd: number | null;
    latencyMs: number | null;
    effectKey: string | null;
    output: RecordedPayload;
  }>;
  checks: RecordCheck[];
  approvals: Array<{
    id: string;
    stepId: string;
    actionName: string | null;
    actionClass: string;
    requiredRole: string;
    requiredApprovals: number;
    status: string;
    decision: ApprovalDecision | null;
    requestedAt: string;
    decidedAt: string | null;
    decidedBy: RecordPerson | null;
    reason: string | null;
    proposed: RecordedPayload;
    edited: RecordedPayload;
    changes: Array<{ op: string; path: string }>;
  }>;
  exceptions: Array<{
    id: string;
    stepId: string;
    reason: string;
    status: string;
    reopened: boolean;
    openedAt: string;
    details: RecordedPayload;
    resolution: ExceptionResolution | null;
    resolvedBy: RecordPerson | null;
    resolvedAt: string | null;
    note: string | null;
    overrideOutput: RecordedPayload | null;
    handOffTo: string | null;
  }>;
  handOffs: Array<{ id: string; exceptionId: string | null; target: string; status: string; createdAt: string; dueAt: string | null; closedAt: string | null; note: string | null }>;
  /** Who decided or changed what, and when, oldest first. */
  humanDecisions: HumanDecision[];
  finalAction: {
    outcome: FinalActionOutcome;
    stepId: string | null;
    action: string | null;
    actionClass: string | null;
    idempotencyKey: string | null;
    args: RecordedPayload | null;
    at: string | null;
    detail: string;
  };
  humanOutcome: { recordedAt: string; recordedBy: RecordPerson; agreed: boolean | null; humanOutcome: RecordedPayload; aiOutcome: RecordedPayload } | null;
  redactions: {
    policy: { redactPaths: string[]; detectors: PiiDetector[] };
    /** What the runner replaced in the step traces before storing them. */
    atStorage: RedactionSummary;
    /** What was replaced while assembling this record from payloads stored unredacted (run input and output, proposals, edits, overrides, notes). */
    atExport: RedactionSummary;
  };
  integrity: {
    /** The run's audit events (and those of its approvals, exceptions, hand-offs), in chain order. */
    auditEvents: Array<{ seq: number; id: string; occurredAt: string; action: string; subjectType: string; subjectId: string; actorId: string | null; actorRole: string; prevHash: string; hash: string }>;
    firstSeq: number | null;
    lastSeq: number | null;
    howToVerify: string;
  };
}

/** Everything the caller loads for one run; the function does no I/O. */
export interface DecisionRecordSources {
  run: Run;
  workflow: { id: string; key: string; name: string };
  version: { id: string; version: number; definition: WorkflowDefinition };
  attempts: readonly StepAttempt[];
  approvals: ReadonlyArray<{ approval: Approval; decisions: readonly ApprovalDecisionRecord[] }>;
  exceptions: readonly ExceptionItem[];
  handOffs: readonly HandOffRecord[];
  shadowOutcome: ShadowOutcome | null;
  /** The run's audit events in chain order (sealed: each has its hash). */
  auditEvents: readonly AuditEvent[];
  /** Names and roles of the principals the record mentions, by id. */
  people: ReadonlyMap<string, { name: string; role: string }>;
  generatedBy: { id: string; name?: string; role: string };
  generatedAt: Date;
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * Assembles the decision record of one run: which workflow version and rollout stage, which data
 * the steps read, which provider and model produced what with what confidence, which checks
 * passed or failed, who approved or changed what and when, and what action was finally taken.
 * Everything read from storage that is kept unredacted (run input/output, proposals, edits,
 * overrides, people's notes) goes through the version's privacy policy first, so what the
 * runner redacts stays redacted here; payloads retention purged say so.
 */
export function assembleDecisionRecord(src: DecisionRecordSources): DecisionRecord {
  const { run, version } = src;
  if (version.id !== run.versionId || src.workflow.id !== run.workflowId) {
    throw new Error(`Invariant: the decision record of run ${run.id} needs its own workflow and version`);
  }
  const definition = version.definition;
  const policy = definition.privacy;
  let atExport = emptyRedactionSummary();
  const redact = (value: JsonValue, at: string): JsonValue => {
    const out = redactDocument(value, policy, { at });
    atExport = mergeRedactionSummaries(atExport, out.summary);
    return out.value;
  };
  const text = (value: string | null, at: string): string | null => (value === null ? null : (redact(value, at) as string));
  /** A payload kept unredacted in storage: redacted now. */
  const raw = (value: JsonValue | null | undefined, purgedAt: Date | null | undefined, at: string): RecordedPayload =>
    purgedAt ? { state: 'purged', purgedAt: purgedAt.toISOString() } : value === null || value === undefined ? { state: 'none' } : { state: 'recorded', value: redact(value, `${at}/value`) };
  /** A payload the runner redacted before storing it (older rows without a summary are redacted now). */
  const stored = (value: JsonValue | null, purgedAt: Date | null | undefined, redactedInStorage: boolean, at: string): RecordedPayload =>
    redactedInStorage && !purgedAt && value !== null ? { state: 'recorded', value } : raw(value, purgedAt, at);
  const person = (id: string | null): RecordPerson => {
    if (id === null) return { id: null, name: 'Gatehouse (automatic)', role: 'system' };
    const p = src.people.get(id);
    return { id, name: p?.name ?? null, role: p?.role ?? null };
  };

  const approvals = src.approvals.map(({ approval: ap }, i) => {
    const purged = ap.payloadPurgedAt ?? null;
    return {
      id: ap.id,
      stepId: ap.stepId,
      actionName: ap.actionName,
      actionClass: ap.actionClass,
      requiredRole: ap.requiredRole,
      requiredApprovals: ap.requiredApprovals,
      status: ap.status,
      decision: ap.decision,
      requestedAt: ap.createdAt.toISOString(),
      decidedAt: iso(ap.decidedAt),
      decidedBy: ap.decidedBy ? person(ap.decidedBy) : null,
      reason: text(ap.reason, `/approvals/${i}/reason`),
      proposed: raw(ap.proposed, purged, `/approvals/${i}/proposed`),
      edited: raw(ap.edited, purged, `/approvals/${i}/edited`),
      changes: changesOf(ap.diff ?? null, ap.id, 'approval.decided', src.auditEvents),
    };
  });

  const humanDecisions: HumanDecision[] = [];
  src.approvals.forEach(({ approval: ap, decisions }, i) => {
    // Rows from before per-person decisions were kept: the approval itself is the one decision.
    const list: ApprovalDecisionRecord[] =
      decisions.length > 0 || !ap.decidedBy || !ap.decision || !ap.decidedAt
        ? [...decisions]
        : [{ id: ap.id, approvalId: ap.id, round: 1, decidedBy: ap.decidedBy, decision: ap.decision, reason: ap.reason, edited: ap.edited, decidedAt: ap.decidedAt }];
    list.forEach((d, j) => {
      const at = `/approvals/${i}/decisions/${j}`;
      let edit: RecordEdit | null = null;
      if (d.decision === 'edit_and_approve') {
        const purged = ap.payloadPurgedAt ?? null;
        const changes = !purged && d.edited !== null && ap.proposed !== null ? diffJson(ap.proposed, d.edited).map(({ op, path }) => ({ op, path })) : changesOf(null, ap.id, null, src.auditEvents, d.round);
        edit = { changes, edited: raw(d.edited, purged, `${at}/edited`) };
      }
      humanDecisions.push({ kind: 'approval_decision', at: d.decidedAt.toISOString(), by: person(d.decidedBy), approvalId: ap.id, stepId: ap.stepId, decision: d.decision, round: d.round, reason: text(d.reason, `${at}/reason`), edit });
    });
  });

  const exceptions = src.exceptions.map((x, i) => {
    const at = `/exceptions/${i}`;
    const purged = x.payloadPurgedAt ?? null;
    const overrideOutput = x.resolution === 'override_output' ? raw(x.resolutionOutput, purged, `${at}/overrideOutput`) : null;
    const note = text(x.resolutionNote, `${at}/note`);
    if (x.resolution && x.resolvedAt) {
      humanDecisions.push({ kind: 'exception_resolution', at: x.resolvedAt.toISOString(), by: person(x.resolvedBy), exceptionId: x.id, stepId: x.stepId, exceptionReason: x.reason, resolution: x.resolution, note, overrideOutput, handOffTo: x.handOffTo });
    }
    return {
      id: x.id,
      stepId: x.stepId,
      reason: x.reason,
      status: x.status,
      reopened: x.details.reopened === true,
      openedAt: x.createdAt.toISOString(),
      details: purged ? ({ state: 'purged', purgedAt: purged.toISOString() } as const) : raw(x.details, null, `${at}/details`),
      resolution: x.resolution,
      resolvedBy: x.resolution ? person(x.resolvedBy) : null,
      resolvedAt: iso(x.resolvedAt),
      note,
      overrideOutput,
      handOffTo: x.handOffTo,
    };
  });

  src.auditEvents.forEach((e, i) => {
    if (e.subjectId !== run.id || e.actorId === null) return;
    const reason = typeof e.data.reason === 'string' ? text(e.data.reason, `/integrity/auditEvents/${i}/reason`) : null;
    if (e.action === 'run.cancelled') humanDecisions.push({ kind: 'cancellation', at: e.occurredAt.toISOString(), by: person(e.actorId), reason });
    if (e.action === 'run.reopened') humanDecisions.push({ kind: 'reopen', at: e.occurredAt.toISOString(), by: person(e.actorId), reason });
  });
  const so = src.shadowOutcome;
  if (so) humanDecisions.push({ kind: 'human_outcome', at: so.recordedAt.toISOString(), by: person(so.recordedBy), agreed: so.agreed });
  humanDecisions.sort((a, b) => a.at.localeCompare(b.at));

  const action = finalAction(run, definition, src.attempts, [...src.auditEvents]);
  const atStorage = src.attempts.reduce((sum, a) => (a.redactions ? mergeRedactionSummaries(sum, a.redactions) : sum), emptyRedactionSummary());

  const record: Omit<DecisionRecord, 'redactions'> = {
    kind: DECISION_RECORD_KIND,
    schemaVersion: DECISION_RECORD_SCHEMA_VERSION,
    generatedAt: src.generatedAt.toISOString(),
    generatedBy: { id: src.generatedBy.id, name: src.generatedBy.name ?? src.people.get(src.generatedBy.id)?.name ?? null, role: src.generatedBy.role },
    workflow: { id: src.workflow.id, key: src.workflow.key, name: src.workflow.name, version: version.version, versionId: version.id },
    run: {
      id: run.id,
      externalRef: run.externalRef,
      idempotencyKey: run.idempotencyKey,
      status: run.status,
      rolloutStage: run.mode,
      startedBy: person(run.createdBy),
      createdAt: run.createdAt.toISOString(),
      startedAt: iso(run.startedAt),
      finishedAt: iso(run.finishedAt),
      cancelReason: text(run.cancelReason, '/run/cancelReason'),
      reopenCount: run.reopenCount,
      input: raw(run.input, run.payloadPurgedAt, '/run/input'),
      output: raw(run.output, run.payloadPurgedAt, '/run/output'),
      // Retention keeps the error's code, so it is shown whether or not the rest was purged.
      error: run.error === null ? { state: 'none' } : { state: 'recorded', value: redact(run.error as JsonValue, '/run/error/value') },
    },
    dataFieldsRead: dataFieldsRead(definition),
    steps: src.attempts.map((a, i) => ({
      stepId: a.stepId,
      stepKind: a.stepKind ?? null,
      attempt: a.attempt,
      status: a.status,
      startedAt: a.startedAt.toISOString(),
      finishedAt: iso(a.finishedAt),
      provider: a.provider,
      model: a.model,
      promptVersion: a.promptVersion,
      confidence: a.confidence,
      tokensIn: a.tokensIn,
      tokensOut: a.tokensOut,
      costUsd: a.costUsd,
      latencyMs: a.latencyMs,
      effectKey: a.effectKey ?? null,
      output: stored(a.output, a.payloadPurgedAt, a.redactions != null, `/steps/${i}/output`),
    })),
    checks: recordChecks(definition, src.attempts, src.approvals.map((x) => x.approval)).map((c, i) => ({ ...c, detail: text(c.detail, `/checks/${i}/detail`)! })),
    approvals,
    exceptions,
    handOffs: src.handOffs.map((h, i) => ({ id: h.id, exceptionId: h.exceptionId, target: h.target, status: h.status, createdAt: h.createdAt.toISOString(), dueAt: iso(h.dueAt), closedAt: iso(h.closedAt), note: text(h.note, `/handOffs/${i}/note`) })),
    humanDecisions,
    finalAction: {
      ...action,
      detail: text(action.detail, '/finalAction/detail')!,
      args: action.args ? stored(action.args.value, action.args.purgedAt, action.args.redactedInStorage, '/finalAction/args') : null,
    },
    humanOutcome: so
      ? { recordedAt: so.recordedAt.toISOString(), recordedBy: person(so.recordedBy), agreed: so.agreed, humanOutcome: raw(so.humanOutcome, so.payloadPurgedAt, '/humanOutcome/humanOutcome'), aiOutcome: raw(so.aiOutcome, so.payloadPurgedAt, '/humanOutcome/aiOutcome') }
      : null,
    integrity: {
      auditEvents: src.auditEvents.map((e) => ({ seq: e.seq, id: e.id, occurredAt: e.occurredAt.toISOString(), action: e.action, subjectType: e.subjectType, subjectId: e.subjectId, actorId: e.actorId, actorRole: e.actorRole, prevHash: e.prevHash, hash: e.hash })),
      firstSeq: src.auditEvents[0]?.seq ?? null,
      lastSeq: src.auditEvents.at(-1)?.seq ?? null,
      howToVerify: 'Each event\'s hash is sha256(prevHash + "\\n" + canonical JSON of the event). Run the verifyAuditChain query to check the whole chain, then compare these ids and hashes with the auditTrail of this run.',
    },
  };
  return { ...record, redactions: { policy: { redactPaths: policy?.redactPaths ?? [], detectors: [...(policy?.detectors ?? PII_DETECTORS)] }, atStorage, atExport } };
}

/**
 * The field-level summary of an edit (op and path, never the values). From the stored diff while
 * it is kept; after retention purged it, from the audit event that recorded the decision.
 */
function changesOf(diff: ReadonlyArray<{ op: string; path: string }> | null, approvalId: string, action: string | null, events: readonly AuditEvent[], round?: number): Array<{ op: string; path: string }> {
  if (diff) return diff.map(({ op, path }) => ({ op, path }));
  const event = [...events].reverse().find((e) => e.subjectId === approvalId && (action ? e.action === action : e.action === 'approval.decided' || e.action === 'approval.decision_recorded') && (round === undefined || e.data.round === undefined || e.data.round === round) && Array.isArray(e.data.diff));
  return ((event?.data.diff as Array<{ op: string; path: string }> | undefined) ?? []).map(({ op, path }) => ({ op, path }));
}

export const DECISION_RECORD_FORMATS = ['json', 'html', 'graphql'] as const;
export type DecisionRecordFormat = (typeof DECISION_RECORD_FORMATS)[number];

/** The audit event of an export: personal data leaving the system, who took it and in which form. */
export function decisionRecordExported(record: DecisionRecord, format: DecisionRecordFormat): DomainEvent {
  return {
    type: 'decision_record.exported',
    subjectType: 'run',
    subjectId: record.run.id,
    data: { workflowId: record.workflow.id, workflowKey: record.workflow.key, format, schemaVersion: record.schemaVersion, lastAuditSeq: record.integrity.lastSeq },
  };
}
