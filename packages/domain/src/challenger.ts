import { outcomesAgree } from './agreement.js';
import { canonicalJson } from './canonical-json.js';
import { DomainError, IllegalTransitionError } from './errors.js';
import type { EvaluationPolicy } from './evaluation-policy.js';
import type { JsonValue } from './json-schema.js';
import { measureAgreement, type AgreementMeasure } from './promotion-gate.js';
import type { Actor } from './roles.js';
import { freshProgress, isTerminalRunStatus, type Run, type RunStatus } from './run.js';
import type { StepDefinition, WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowVersion } from './workflow-version.js';
import type { Transition, Workflow } from './workflow.js';

/**
 * Champion / challenger: a new version that changes the model, the provider, the prompt or the
 * rules runs in shadow beside the published version (the champion) on a share of live runs, so
 * the change is proven on real traffic before it takes over. A challenger run is a run of the
 * challenger version with `championRunId` set and mode `shadow`: its actions are recorded, never
 * sent, its approval gates pass through, and a failure ends it (status failed) instead of
 * putting work in front of reviewers.
 */
export interface Challenger {
  versionId: string;
  /** Percent (0–100) of live runs the challenger shadows. */
  sharePercent: number;
  attachedBy: string;
  attachedAt: Date;
}

export const CHALLENGER_CHANGE_KINDS = ['provider', 'model', 'prompt', 'rules'] as const;
export type ChallengerChangeKind = (typeof CHALLENGER_CHANGE_KINDS)[number];

/** The parts of a step that decide what the AI produces, by change kind (other fields don't count). */
function aiFingerprint(step: StepDefinition): Partial<Record<ChallengerChangeKind, string>> {
  switch (step.kind) {
    case 'agent':
      return { provider: step.provider, model: step.model, prompt: canonicalJson({ prompt: step.prompt, outputSchema: step.outputSchema }) };
    case 'rules':
      return { rules: canonicalJson({ field: step.field, rules: step.rules, defaultLabel: step.defaultLabel, defaultConfidence: step.defaultConfidence, template: step.template ?? null }) };
    case 'validate':
      // Thresholds and schemas decide which results pass: a change there is a rules change.
      return { rules: canonicalJson({ source: step.source ?? null, schema: step.schema, minConfidence: step.minConfidence ?? null }) };
    case 'route':
      return { rules: canonicalJson({ source: step.source, field: step.field, branches: step.branches, defaultGoto: step.defaultGoto ?? null }) };
    default:
      return {};
  }
}

/**
 * Which of provider, model, prompt and rules the challenger changes compared with the champion,
 * step by step (matched by id; a step only one side has changes whatever it fingerprints).
 */
export function challengerChanges(champion: WorkflowDefinition, challenger: WorkflowDefinition): ChallengerChangeKind[] {
  const changed = new Set<ChallengerChangeKind>();
  const before = new Map(champion.steps.map((s) => [s.id, aiFingerprint(s)]));
  const after = new Map(challenger.steps.map((s) => [s.id, aiFingerprint(s)]));
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(id) ?? {};
    const b = after.get(id) ?? {};
    for (const kind of CHALLENGER_CHANGE_KINDS) if (a[kind] !== b[kind]) changed.add(kind);
  }
  const threshold = (d: WorkflowDefinition) => d.approvalPolicy?.minConfidence ?? null;
  if (threshold(champion) !== threshold(challenger)) changed.add('rules');
  return CHALLENGER_CHANGE_KINDS.filter((k) => changed.has(k));
}

function assertShare(sharePercent: number): void {
  if (!Number.isFinite(sharePercent) || sharePercent < 0 || sharePercent > 100) {
    throw new DomainError('invalid_input', `sharePercent is the percentage of live runs the challenger shadows, from 0 to 100 (got ${sharePercent}).`, { field: 'sharePercent' });
  }
}

/**
 * Attaches an approved version as the workflow's challenger (replacing any other; the same
 * version again only changes the share and keeps its comparison). The challenger must take the
 * champion's input unchanged and change at least one of provider, model, prompt or rules.
 */
export function attachChallenger(
  workflow: Workflow,
  champion: WorkflowVersion | null,
  candidate: WorkflowVersion,
  sharePercent: number,
  actor: Actor,
  now: Date,
): Transition<Workflow> & { changes: ChallengerChangeKind[] } {
  if (candidate.workflowId !== workflow.id) {
    throw new DomainError('invalid_input', `That version belongs to another workflow; a challenger must be a version of "${workflow.key}".`, { field: 'version' });
  }
  assertShare(sharePercent);
  if (workflow.paused) {
    throw new DomainError('precondition_failed', `Workflow "${workflow.key}" is paused (${workflow.pausedReason ?? 'no reason given'}); resume it before attaching a challenger.`);
  }
  if (!champion || workflow.publishedVersionId !== champion.id) {
    throw new DomainError('precondition_failed', `Workflow "${workflow.key}" has no published version to compare a challenger with; publish one first.`);
  }
  if (candidate.id === champion.id) throw new DomainError('invalid_input', `v${candidate.version} is the published version (the champion); attach a new version as the challenger.`, { field: 'version' });
  if (candidate.status !== 'approved') {
    throw new IllegalTransitionError(`workflow version (v${candidate.version})`, candidate.status, 'attach as challenger', 'A challenger runs on live traffic: it must be approved by the change approver first.');
  }
  if (canonicalJson(candidate.definition.inputSchema) !== canonicalJson(champion.definition.inputSchema)) {
    throw new DomainError('invalid_input', `v${candidate.version} expects a different input than the published v${champion.version}; a challenger must take the same input to be compared run by run.`, { field: 'version' });
  }
  const changes = challengerChanges(champion.definition, candidate.definition);
  if (changes.length === 0) {
    throw new DomainError('invalid_input', `v${candidate.version} changes none of provider, model, prompt or rules compared with v${champion.version}; there is nothing to prove on live traffic — publish it normally.`, { field: 'version' });
  }
  const previous = workflow.challenger ?? null;
  const challenger: Challenger = {
    versionId: candidate.id,
    // Stored with two decimals (numeric(5,2)); rounded here so the stored share is the one in force.
    sharePercent: Math.round(sharePercent * 100) / 100,
    // Re-attaching the same version keeps the comparison window it has been measured over.
    attachedBy: previous?.versionId === candidate.id ? previous.attachedBy : actor.id,
    attachedAt: previous?.versionId === candidate.id ? previous.attachedAt : now,
  };
  return {
    state: { ...workflow, challenger, updatedAt: now },
    changes,
    events: [
      {
        type: 'workflow.challenger_attached',
        subjectType: 'workflow',
        subjectId: workflow.id,
        data: { versionId: candidate.id, version: candidate.version, championVersion: champion.version, sharePercent: challenger.sharePercent, changes, replacedVersionId: previous && previous.versionId !== candidate.id ? previous.versionId : null, previousSharePercent: previous?.sharePercent ?? null },
      },
    ],
  };
}

export function detachChallenger(workflow: Workflow, reason: string, now: Date): Transition<Workflow> {
  const current = workflow.challenger ?? null;
  if (!current) throw new IllegalTransitionError('workflow', 'without a challenger', 'detach a challenger');
  if (!reason.trim()) throw new DomainError('invalid_input', 'Say why the challenger is detached (reason is required).', { field: 'reason' });
  return {
    state: { ...workflow, challenger: null, updatedAt: now },
    events: [{ type: 'workflow.challenger_detached', subjectType: 'workflow', subjectId: workflow.id, data: { versionId: current.versionId, reason: reason.trim() } }],
  };
}

/**
 * Whether a live run is shadowed by the challenger: decided by the run's (random, v4) id, so a
 * share of p % samples p % of runs, evenly, with nothing to store or coordinate between API
 * replicas, and the same run always gets the same answer.
 */
export function sampledForChallenger(runId: string, sharePercent: number): boolean {
  const bucket = Number.parseInt(runId.replaceAll('-', '').slice(0, 8), 16);
  if (!Number.isFinite(bucket)) return false;
  return (bucket / 0x1_0000_0000) * 100 < sharePercent;
}

/**
 * The challenger's run for a live run: same input, the challenger version, always in shadow
 * (whatever the workflow's stage), linked to its champion. Null when the input does not fit the
 * challenger (it cannot, since attach checks the schemas are equal; kept as a guard).
 */
export function createChallengerRun(champion: Run, challenger: WorkflowVersion, id: string, now: Date): Transition<Run> | null {
  const firstStep = challenger.definition.steps[0];
  if (!firstStep || champion.championRunId) return null;
  const run: Run = {
    ...champion,
    id,
    versionId: challenger.id,
    mode: 'shadow',
    idempotencyKey: `challenger:${champion.id}`,
    ...freshProgress(firstStep.id, now),
    championRunId: champion.id,
  };
  return {
    state: run,
    events: [{ type: 'run.created', subjectType: 'run', subjectId: run.id, data: { workflowId: run.workflowId, versionId: challenger.id, version: challenger.version, mode: 'shadow', championRunId: champion.id, firstStepId: firstStep.id } }],
  };
}

/** Guards operations meant for live runs only (human outcomes, re-opening). */
export function assertLiveRun(run: Run, what: string): void {
  if (run.championRunId) {
    throw new DomainError('invalid_input', `Run ${run.id} is a challenger run (it shadows run ${run.championRunId}); ${what} applies to the live run.`, { field: 'runId', championRunId: run.championRunId });
  }
}

/** One live run and its challenger run, as loaded for the comparison. */
export interface ChallengerPair {
  championStatus: RunStatus;
  challengerStatus: RunStatus;
  /** What each produced: the output of its last succeeded rules or agent step (see comparableResult). */
  championResult: JsonValue | null;
  challengerResult: JsonValue | null;
  /** What the person decided for the live run, where recorded (recordHumanOutcome). */
  humanOutcome: JsonValue | null;
  championCostUsd: number;
  challengerCostUsd: number;
  /** Time spent in the steps themselves (sum of attempt latencies): waiting for people excluded. */
  championLatencyMs: number;
  challengerLatencyMs: number;
}

export interface AgreementFigure {
  agreed: number;
  sampleSize: number;
  rate: number | null;
}

export interface SideFigures {
  runs: number;
  failed: number;
  costPerRunUsd: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

export interface ChallengerComparison {
  /** Live runs the challenger shadowed. */
  pairs: number;
  /** Pairs whose challenger run finished (the others are still going). */
  finished: number;
  vsChampion: AgreementFigure;
  vsHuman: AgreementFigure;
  /**
   * What switching is judged on: over the latest `minSampleSize` finished pairs, the challenger
   * agrees with the human outcome where one was recorded, else with the champion's result.
   */
  gate: AgreementMeasure;
  champion: SideFigures;
  challenger: SideFigures;
}

function figure(values: readonly boolean[]): AgreementFigure {
  const agreed = values.filter(Boolean).length;
  return { agreed, sampleSize: values.length, rate: values.length ? agreed / values.length : null };
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  // Nearest rank: a latency some run really had.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function side(pairs: readonly ChallengerPair[], pick: 'champion' | 'challenger'): SideFigures {
  const finished = pairs.filter((p) => isTerminalRunStatus(pick === 'champion' ? p.championStatus : p.challengerStatus) || (pick === 'champion' && p.championResult !== null));
  const costs = finished.map((p) => (pick === 'champion' ? p.championCostUsd : p.challengerCostUsd));
  const latencies = finished.map((p) => (pick === 'champion' ? p.championLatencyMs : p.challengerLatencyMs)).sort((a, b) => a - b);
  return {
    runs: finished.length,
    failed: finished.filter((p) => (pick === 'champion' ? p.championStatus : p.challengerStatus) === 'failed').length,
    costPerRunUsd: costs.length ? costs.reduce((a, b) => a + b, 0) / costs.length : null,
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP95Ms: percentile(latencies, 0.95),
  };
}

/**
 * Compares a challenger with its champion over the pairs since it was attached (most recent
 * first). A challenger run that finished without a result (it failed) disagrees: a challenger
 * that breaks must not pass the gate by producing nothing to compare.
 */
export function compareChallenger(pairs: readonly ChallengerPair[], policy: EvaluationPolicy): ChallengerComparison {
  const finished = pairs.filter((p) => isTerminalRunStatus(p.challengerStatus));
  const agrees = (reference: JsonValue) => (p: ChallengerPair) => outcomesAgree(p.challengerResult, reference, policy.agreement) === true;
  const vsChampion = finished.filter((p) => p.championResult !== null).map((p) => agrees(p.championResult!)(p));
  const vsHuman = finished.filter((p) => p.humanOutcome !== null).map((p) => agrees(p.humanOutcome!)(p));
  const gate = finished
    .filter((p) => p.humanOutcome !== null || p.championResult !== null)
    .map((p) => agrees((p.humanOutcome ?? p.championResult)!)(p));
  return {
    pairs: pairs.length,
    finished: finished.length,
    vsChampion: figure(vsChampion),
    vsHuman: figure(vsHuman),
    gate: measureAgreement(gate, policy),
    champion: side(pairs, 'champion'),
    challenger: side(finished, 'challenger'),
  };
}

/**
 * What a run produced for comparison: the output of its last succeeded rules or agent step (a
 * reviewer's override of that step included: it is what the live process went on with).
 * `attempts` in the order they ran.
 */
export function comparableResult(attempts: ReadonlyArray<{ stepKind: string | null; status: string; output: JsonValue | null }>): JsonValue | null {
  for (let i = attempts.length - 1; i >= 0; i--) {
    const a = attempts[i]!;
    if (a.status === 'succeeded' && (a.stepKind === 'rules' || a.stepKind === 'agent')) return a.output;
  }
  return null;
}

/**
 * Switching to the challenger is a normal publish, refused while its measured agreement is
 * below the workflow's threshold. An admin may override with a reason (audited with the
 * figures). Returns what the publish event records about the gate.
 */
export function checkChallengerSwitch(
  workflow: Workflow,
  version: WorkflowVersion,
  comparison: ChallengerComparison | null,
  actor: Actor,
  overrideReason: string | null,
): Record<string, unknown> | null {
  const challenger = workflow.challenger ?? null;
  if (!challenger || challenger.versionId !== version.id || !comparison) {
    if (overrideReason?.trim()) throw new DomainError('invalid_input', `v${version.version} is not the attached challenger; there is no agreement gate to override.`, { field: 'overrideReason' });
    return null;
  }
  const { gate } = comparison;
  const figures = { agreed: gate.agreed, sampleSize: gate.sampleSize, rate: gate.rate, threshold: gate.threshold, minSampleSize: gate.minSampleSize };
  if (gate.meetsThreshold) {
    if (overrideReason?.trim()) throw new DomainError('invalid_input', 'The challenger meets the agreement threshold; publish it without an override.', { field: 'overrideReason' });
    return { challenger: { ...figures, overridden: false } };
  }
  const measured =
    gate.sampleSize < gate.minSampleSize
      ? `only ${gate.sampleSize} of the ${gate.minSampleSize} finished challenger runs the workflow requires`
      : `${gate.agreed} of ${gate.sampleSize} agree (${Math.round((gate.rate ?? 0) * 1000) / 10} %), below the threshold of ${Math.round(gate.threshold * 1000) / 10} %`;
  if (!overrideReason?.trim()) {
    throw new DomainError('agreement_below_threshold', `Cannot switch "${workflow.key}" to challenger v${version.version}: ${measured}. Let it shadow more live runs, or an admin may override with a reason.`, figures);
  }
  if (actor.role !== 'admin') {
    throw new DomainError('forbidden', 'Only an admin may override the challenger agreement gate.', figures);
  }
  return { challenger: { ...figures, overridden: true, overrideReason: overrideReason.trim() } };
}
