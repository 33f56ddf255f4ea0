import { DomainError } from './errors.js';
import {
  checkJsonSchema,
  compileOwnSchema,
  formatIssues,
  validateWithOwnSchema,
  type JsonSchema,
  type JsonValue,
  type ValidationIssue,
} from './json-schema.js';
import type { ApproverRole } from './roles.js';
import { parseJsonPath, PII_DETECTORS, type PrivacyPolicy } from './redaction.js';

export const ACTION_CLASSES = ['read', 'draft', 'reversible', 'irreversible', 'customer_impacting'] as const;
export type ActionClass = (typeof ACTION_CLASSES)[number];

export const EXCEPTION_REASONS = [
  'low_confidence',
  'invalid_output',
  'tool_error',
  'missing_data',
  'policy_blocked',
  'timeout',
  'model_error',
] as const;
export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

/** The exception paths a definition must spell out before it may be published. */
export const REQUIRED_EXCEPTION_PATHS = [
  'low_confidence',
  'invalid_output',
  'tool_error',
  'missing_data',
  'timeout',
] as const satisfies readonly ExceptionReason[];

export const STEP_KINDS = ['rules', 'agent', 'validate', 'action', 'approval', 'route'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface BoundaryAction {
  name: string;
  actionClass: ActionClass;
  /** draft_only: the action is prepared but never executed by Gatehouse itself. */
  mode: 'draft_only' | 'may_execute';
  description?: string;
}

export interface HandOff {
  name: string;
  /** The named manual path: a team, queue or person outside Gatehouse. */
  to: string;
  when: string;
}

export interface Boundary {
  trigger: string;
  allowedActions: BoundaryAction[];
  neverActions: string[];
  handOffs: HandOff[];
}

export interface ApprovalPolicy {
  /** Action classes that always wait for a human decision. */
  requireApprovalFor: ActionClass[];
  /** Results below this confidence are routed out of the straight-through path. */
  minConfidence: number;
  approverRole?: ApproverRole;
  /** N of N-of-M: how many distinct approvers an irreversible action needs (1–5, default 1). */
  irreversibleApprovals?: number;
}

export interface ExceptionHandling {
  action: 'retry' | 'queue' | 'hand_off';
  maxAttempts?: number;
  backoffMs?: number;
  /** For hand_off (or retry that then hands off): which boundary hand-off to use. */
  handOffTo?: string;
}

export type ExceptionPolicy = Partial<Record<ExceptionReason, ExceptionHandling>>;

export interface Slas {
  approvalMinutes: number;
  exceptionMinutes: number;
  runMinutes?: number;
}

interface StepBase {
  id: string;
  name?: string;
  timeoutMs?: number;
  maxAttempts?: number;
  /** The run completes when this step succeeds, even if steps follow (ends a route branch). */
  end?: boolean;
}

export interface RulesStep extends StepBase {
  kind: 'rules';
  /** JSON Pointer into the run input, e.g. "/message". */
  field: string;
  rules: Array<{ label: string; pattern: string; flags?: string; confidence: number }>;
  defaultLabel: string;
  defaultConfidence: number;
  /** Optional text template for a draft, with {{label}} and {{input.<field>}} placeholders. */
  template?: string;
}

export interface AgentStep extends StepBase {
  kind: 'agent';
  provider: 'openai' | 'rules';
  model: string;
  prompt: string;
  outputSchema: JsonSchema;
  minConfidence?: number;
}

export interface ValidateStep extends StepBase {
  kind: 'validate';
  /** Step whose output is validated; defaults to the previous step. */
  source?: string;
  schema: JsonSchema;
  minConfidence?: number;
}

export interface ActionStep extends StepBase {
  kind: 'action';
  action: string;
  actionClass: ActionClass;
  webhookUrl?: string;
  /** Step whose output becomes the action's arguments; defaults to the previous step. */
  argsFrom?: string;
}

export interface ApprovalStep extends StepBase {
  kind: 'approval';
  requiredRole?: ApproverRole;
  instructions?: string;
}

export interface RouteStep extends StepBase {
  kind: 'route';
  source: string;
  /** JSON Pointer into the source step's output. */
  field: string;
  branches: Array<{ equals: JsonValue; goto: string }>;
  defaultGoto?: string;
}

export type StepDefinition = RulesStep | AgentStep | ValidateStep | ActionStep | ApprovalStep | RouteStep;

export interface WorkflowDefinition {
  inputSchema: JsonSchema;
  steps: StepDefinition[];
  boundary?: Boundary;
  approvalPolicy?: ApprovalPolicy;
  exceptionPolicy?: ExceptionPolicy;
  slas?: Slas;
  /** What is redacted from step traces before they are stored (see redaction.ts). */
  privacy?: PrivacyPolicy;
}

const id = { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,62}$' };
const nonEmpty = { type: 'string', minLength: 1, maxLength: 2000 };
const confidence = { type: 'number', minimum: 0, maximum: 1 };
const approverRole = { enum: ['reviewer', 'owner', 'admin'] };
const stepBase = {
  id,
  name: { type: 'string', maxLength: 200 },
  timeoutMs: { type: 'integer', minimum: 1, maximum: 3_600_000 },
  maxAttempts: { type: 'integer', minimum: 1, maximum: 20 },
  end: { type: 'boolean' },
};
const step = (kind: StepKind, required: string[], properties: Record<string, unknown>) => ({
  if: { properties: { kind: { const: kind } }, required: ['kind'] },
  then: {
    required: ['id', 'kind', ...required],
    additionalProperties: false,
    properties: { ...stepBase, kind: { const: kind }, ...properties },
  },
});

/**
 * The shape of a definition, checked with ajv so every structural problem is reported at once
 * with its JSON Pointer. Semantic checks (unique ids, route targets…) follow in code.
 */
const DEFINITION_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['inputSchema', 'steps'],
  additionalProperties: false,
  properties: {
    inputSchema: { type: 'object' },
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        required: ['id', 'kind'],
        properties: { kind: { enum: [...STEP_KINDS] } },
        allOf: [
          step('rules', ['field', 'rules', 'defaultLabel', 'defaultConfidence'], {
            field: { type: 'string', pattern: '^(/.*)?$' },
            rules: {
              type: 'array',
              items: {
                type: 'object',
                required: ['label', 'pattern', 'confidence'],
                additionalProperties: false,
                properties: {
                  label: nonEmpty,
                  pattern: nonEmpty,
                  flags: { type: 'string', pattern: '^[imsu]*$' },
                  confidence,
                },
              },
            },
            defaultLabel: nonEmpty,
            defaultConfidence: confidence,
            template: { type: 'string', maxLength: 20000 },
          }),
          step('agent', ['provider', 'model', 'prompt', 'outputSchema'], {
            provider: { enum: ['openai', 'rules'] },
            model: nonEmpty,
            prompt: { type: 'string', minLength: 1, maxLength: 50000 },
            outputSchema: { type: 'object' },
            minConfidence: confidence,
          }),
          step('validate', ['schema'], { source: id, schema: { type: 'object' }, minConfidence: confidence }),
          step('action', ['action', 'actionClass'], {
            action: nonEmpty,
            actionClass: { enum: [...ACTION_CLASSES] },
            webhookUrl: { type: 'string', pattern: '^https?://' },
            argsFrom: id,
          }),
          step('approval', [], { requiredRole: approverRole, instructions: { type: 'string', maxLength: 5000 } }),
          step('route', ['source', 'field', 'branches'], {
            source: id,
            field: { type: 'string', pattern: '^(/.*)?$' },
            branches: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                required: ['equals', 'goto'],
                additionalProperties: false,
                properties: { equals: {}, goto: id },
              },
            },
            defaultGoto: id,
          }),
        ],
      },
    },
    boundary: {
      type: 'object',
      required: ['trigger', 'allowedActions', 'neverActions', 'handOffs'],
      additionalProperties: false,
      properties: {
        trigger: { type: 'string', maxLength: 2000 },
        allowedActions: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'actionClass', 'mode'],
            additionalProperties: false,
            properties: {
              name: nonEmpty,
              actionClass: { enum: [...ACTION_CLASSES] },
              mode: { enum: ['draft_only', 'may_execute'] },
              description: { type: 'string', maxLength: 2000 },
            },
          },
        },
        neverActions: { type: 'array', items: nonEmpty },
        handOffs: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'to', 'when'],
            additionalProperties: false,
            properties: { name: nonEmpty, to: nonEmpty, when: nonEmpty },
          },
        },
      },
    },
    approvalPolicy: {
      type: 'object',
      required: ['requireApprovalFor', 'minConfidence'],
      additionalProperties: false,
      properties: {
        requireApprovalFor: { type: 'array', uniqueItems: true, items: { enum: [...ACTION_CLASSES] } },
        minConfidence: confidence,
        approverRole,
        irreversibleApprovals: { type: 'integer', minimum: 1, maximum: 5 },
      },
    },
    exceptionPolicy: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        EXCEPTION_REASONS.map((reason) => [
          reason,
          {
            type: 'object',
            required: ['action'],
            additionalProperties: false,
            properties: {
              action: { enum: ['retry', 'queue', 'hand_off'] },
              maxAttempts: { type: 'integer', minimum: 1, maximum: 20 },
              backoffMs: { type: 'integer', minimum: 0, maximum: 3_600_000 },
              handOffTo: nonEmpty,
            },
          },
        ]),
      ),
    },
    slas: {
      type: 'object',
      required: ['approvalMinutes', 'exceptionMinutes'],
      additionalProperties: false,
      properties: {
        approvalMinutes: { type: 'integer', minimum: 1, maximum: 525_600 },
        exceptionMinutes: { type: 'integer', minimum: 1, maximum: 525_600 },
        runMinutes: { type: 'integer', minimum: 1, maximum: 525_600 },
      },
    },
    privacy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        redactPaths: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 500 } },
        detectors: { type: 'array', uniqueItems: true, items: { enum: [...PII_DETECTORS] } },
      },
    },
  },
};

const validateDefinitionShape = compileOwnSchema(DEFINITION_SCHEMA);

/**
 * Checks a definition for everything that makes it unusable: shape, invalid JSON Schemas,
 * duplicate step ids, dangling references, bad regexes, contradictions in the boundary.
 * Completeness for publishing (the five clarity points) is a separate, later check.
 */
export function validateDefinition(definition: unknown): ValidationIssue[] {
  const shapeIssues = validateWithOwnSchema(validateDefinitionShape, definition);
  if (shapeIssues.length > 0) return shapeIssues;
  const def = definition as WorkflowDefinition;
  const issues: ValidationIssue[] = [...checkJsonSchema(def.inputSchema, '/inputSchema')];

  const ids = new Map<string, number>();
  def.steps.forEach((s, i) => {
    if (ids.has(s.id)) issues.push({ path: `/steps/${i}/id`, message: `duplicates step id "${s.id}" (also /steps/${ids.get(s.id)})` });
    else ids.set(s.id, i);
  });
  const refersTo = (ref: string | undefined, path: string, before: number) => {
    if (ref === undefined) return;
    const at = ids.get(ref);
    if (at === undefined) issues.push({ path, message: `refers to unknown step "${ref}"` });
    else if (at >= before) issues.push({ path, message: `must refer to an earlier step, "${ref}" comes later` });
  };

  def.steps.forEach((s, i) => {
    const at = `/steps/${i}`;
    switch (s.kind) {
      case 'rules':
        s.rules.forEach((r, j) => {
          try {
            new RegExp(r.pattern, r.flags);
          } catch (error) {
            issues.push({ path: `${at}/rules/${j}/pattern`, message: `is not a valid regular expression: ${(error as Error).message}` });
          }
        });
        break;
      case 'agent':
        issues.push(...checkJsonSchema(s.outputSchema, `${at}/outputSchema`));
        break;
      case 'validate':
        issues.push(...checkJsonSchema(s.schema, `${at}/schema`));
        refersTo(s.source, `${at}/source`, i);
        break;
      case 'action':
        refersTo(s.argsFrom, `${at}/argsFrom`, i);
        if (def.boundary?.neverActions.includes(s.action)) {
          issues.push({ path: `${at}/action`, message: `"${s.action}" is on the boundary's never-do list` });
        }
        {
          const declared = def.boundary?.allowedActions.find((a) => a.name === s.action);
          if (declared && declared.actionClass !== s.actionClass) {
            issues.push({ path: `${at}/actionClass`, message: `is "${s.actionClass}" but the boundary declares "${s.action}" as "${declared.actionClass}"` });
          }
        }
        break;
      case 'approval':
        break;
      case 'route':
        refersTo(s.source, `${at}/source`, i);
        s.branches.forEach((b, j) => {
          if (!ids.has(b.goto)) issues.push({ path: `${at}/branches/${j}/goto`, message: `refers to unknown step "${b.goto}"` });
        });
        if (s.defaultGoto !== undefined && !ids.has(s.defaultGoto)) {
          issues.push({ path: `${at}/defaultGoto`, message: `refers to unknown step "${s.defaultGoto}"` });
        }
        break;
    }
  });

  if (def.boundary) {
    const allowed = new Set<string>();
    def.boundary.allowedActions.forEach((a, i) => {
      if (allowed.has(a.name)) issues.push({ path: `/boundary/allowedActions/${i}/name`, message: `duplicates action "${a.name}"` });
      allowed.add(a.name);
      if (def.boundary?.neverActions.includes(a.name)) {
        issues.push({ path: `/boundary/allowedActions/${i}/name`, message: `"${a.name}" is both allowed and on the never-do list` });
      }
    });
  }
  // Without a boundary no hand-off is defined, so any handOffTo dangles.
  const handOffs = new Set((def.boundary?.handOffs ?? []).map((h) => h.name));
  for (const [reason, handling] of Object.entries(def.exceptionPolicy ?? {})) {
    if (handling?.handOffTo !== undefined && !handOffs.has(handling.handOffTo)) {
      issues.push({ path: `/exceptionPolicy/${reason}/handOffTo`, message: `names hand-off "${handling.handOffTo}" which the boundary does not define` });
    }
    if (handling?.action === 'hand_off' && handling.handOffTo === undefined) {
      issues.push({ path: `/exceptionPolicy/${reason}/handOffTo`, message: 'is required when action is hand_off' });
    }
  }
  def.privacy?.redactPaths?.forEach((path, i) => {
    const parsed = parseJsonPath(path);
    if (!parsed.ok) issues.push({ path: `/privacy/redactPaths/${i}`, message: `"${path}" ${parsed.message}` });
  });
  return issues;
}

/** validateDefinition that throws a BAD_USER_INPUT-class DomainError listing every issue. */
export function assertValidDefinition(definition: unknown): asserts definition is WorkflowDefinition {
  const issues = validateDefinition(definition);
  if (issues.length > 0) {
    throw new DomainError('invalid_input', `The workflow definition is invalid: ${formatIssues(issues)}`, { issues });
  }
}

export function findStep(definition: WorkflowDefinition, stepId: string): StepDefinition | undefined {
  return definition.steps.find((s) => s.id === stepId);
}

/**
 * The schema a step's output must satisfy, where the definition states one: an agent's
 * outputSchema, or the schema a validate step checks. A person overriding that step's output
 * is held to the same contract as the model.
 */
export function stepOutputSchema(definition: WorkflowDefinition, stepId: string): JsonSchema | null {
  const step = findStep(definition, stepId);
  if (step?.kind === 'agent') return step.outputSchema;
  if (step?.kind === 'validate') return step.schema;
  return null;
}

/**
 * The manual path an exception hands off to when the reviewer names none: the one the
 * exception policy names for that reason, else the boundary's first hand-off.
 */
export function defaultHandOff(definition: WorkflowDefinition, reason: ExceptionReason): string | null {
  return definition.exceptionPolicy?.[reason]?.handOffTo ?? definition.boundary?.handOffs[0]?.name ?? null;
}

/** How many distinct approvers a gate on an action of `actionClass` needs: N-of-M applies to irreversible actions only. */
export function requiredApprovalsFor(definition: WorkflowDefinition, actionClass: ActionClass): number {
  return actionClass === 'irreversible' ? definition.approvalPolicy?.irreversibleApprovals ?? 1 : 1;
}

/** Who must decide a gate at `stepId`: the approval step's own role, else the policy's, else a reviewer. */
export function approverRoleFor(definition: WorkflowDefinition, stepId: string): ApproverRole {
  const step = findStep(definition, stepId);
  return (step?.kind === 'approval' ? step.requiredRole : undefined) ?? definition.approvalPolicy?.approverRole ?? 'reviewer';
}
