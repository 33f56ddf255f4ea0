import { ApprovalEntity, ExceptionItemEntity, RunEntity, ShadowOutcomeEntity, type StepAttemptEntity } from '../entities/index.js';
import type {
  ActionClass,
  Approval,
  ApprovalDecision,
  ApprovalStatus,
  ApproverRole,
  ExceptionItem,
  ExceptionReason,
  ExceptionResolution,
  ExceptionStatus,
  JsonValue,
  PatchOperation,
  RedactionSummary,
  Run,
  RunMode,
  RunStatus,
  ShadowOutcome,
  StepAttempt,
  StepAttemptStatus,
  StepKind,
} from '@gatehouse/domain';

export function toRun(e: RunEntity): Run {
  return {
    id: e.id,
    workflowId: e.workflowId,
    versionId: e.versionId,
    mode: e.mode as RunMode,
    status: e.status as RunStatus,
    // NULL only after retention purged it (payloadPurgedAt says so).
    input: (e.input as JsonValue | null) ?? null,
    inputHash: e.inputHash,
    idempotencyKey: e.idempotencyKey,
    externalRef: e.externalRef,
    currentStepId: e.currentStepId,
    dispatchSeq: e.dispatchSeq,
    output: (e.output as JsonValue | null) ?? null,
    error: (e.error as Run['error']) ?? null,
    cancelReason: e.cancelReason,
    reopenCount: e.reopenCount,
    reopenedAt: e.reopenedAt,
    createdBy: e.createdBy,
    createdAt: e.createdAt,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
    updatedAt: e.updatedAt,
    payloadPurgedAt: e.payloadPurgedAt ?? null,
    championRunId: e.championRunId ?? null,
  };
}

export function fromRun(r: Run): RunEntity {
  return Object.assign(new RunEntity(), { ...r });
}

export function toApproval(e: ApprovalEntity): Approval {
  return {
    id: e.id,
    runId: e.runId,
    workflowId: e.workflowId,
    stepId: e.stepId,
    actionName: e.actionName,
    actionClass: e.actionClass as ActionClass,
    requiredRole: e.requiredRole as ApproverRole,
    requiredApprovals: e.requiredApprovals ?? 1,
    status: e.status as ApprovalStatus,
    decision: (e.decision as ApprovalDecision | null) ?? null,
    proposed: e.proposed as JsonValue,
    edited: (e.edited as JsonValue | null) ?? null,
    diff: (e.diff as PatchOperation[] | null) ?? null,
    requestedBy: e.requestedBy,
    decidedBy: e.decidedBy,
    reason: e.reason,
    dueAt: e.dueAt,
    createdAt: e.createdAt,
    decidedAt: e.decidedAt,
    payloadPurgedAt: e.payloadPurgedAt ?? null,
  };
}

export function fromApproval(a: Approval): ApprovalEntity {
  return Object.assign(new ApprovalEntity(), { ...a });
}

export function toExceptionItem(e: ExceptionItemEntity): ExceptionItem {
  return {
    id: e.id,
    runId: e.runId,
    workflowId: e.workflowId,
    stepId: e.stepId,
    reason: e.reason as ExceptionReason,
    status: e.status as ExceptionStatus,
    details: (e.details as Record<string, JsonValue>) ?? {},
    assigneeId: e.assigneeId,
    claimedAt: e.claimedAt,
    dueAt: e.dueAt,
    resolution: (e.resolution as ExceptionResolution | null) ?? null,
    resolutionNote: e.resolutionNote,
    resolutionOutput: (e.resolutionOutput as JsonValue | null) ?? null,
    handOffTo: e.handOffTo,
    resolvedBy: e.resolvedBy,
    resolvedAt: e.resolvedAt,
    createdAt: e.createdAt,
    payloadPurgedAt: e.payloadPurgedAt ?? null,
  };
}

export function fromExceptionItem(x: ExceptionItem): ExceptionItemEntity {
  return Object.assign(new ExceptionItemEntity(), { ...x });
}

export function toShadowOutcome(e: ShadowOutcomeEntity): ShadowOutcome {
  return {
    runId: e.runId,
    workflowId: e.workflowId,
    humanOutcome: e.humanOutcome as JsonValue,
    aiOutcome: (e.aiOutcome as JsonValue | null) ?? null,
    agreed: e.agreed,
    recordedBy: e.recordedBy,
    recordedAt: e.recordedAt,
    payloadPurgedAt: e.payloadPurgedAt ?? null,
  };
}

export function fromShadowOutcome(s: ShadowOutcome): ShadowOutcomeEntity {
  return Object.assign(new ShadowOutcomeEntity(), { ...s });
}

export function toStepAttempt(e: StepAttemptEntity): StepAttempt {
  return {
    id: e.id,
    runId: e.runId,
    stepId: e.stepId,
    ...(e.stepKind ? { stepKind: e.stepKind as StepKind } : {}),
    attempt: e.attempt,
    status: e.status as StepAttemptStatus,
    input: (e.input as JsonValue | null) ?? null,
    output: (e.output as JsonValue | null) ?? null,
    provider: e.provider,
    model: e.model,
    promptVersion: e.promptVersion,
    tokensIn: e.tokensIn,
    tokensOut: e.tokensOut,
    costUsd: e.costUsd,
    latencyMs: e.latencyMs,
    confidence: e.confidence,
    validation: (e.validation as JsonValue | null) ?? null,
    error: (e.error as JsonValue | null) ?? null,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
    effectKey: e.effectKey,
    redactions: (e.redactions as RedactionSummary | null) ?? null,
    payloadPurgedAt: e.payloadPurgedAt ?? null,
  };
}
