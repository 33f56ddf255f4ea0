import { templatePlaceholders } from './template.js';
import type { StepDefinition, StepKind, WorkflowDefinition } from './workflow-definition.js';

/** One piece of data a step of the definition reads: where it comes from and which setting reads it. */
export interface DataFieldRead {
  stepId: string;
  stepKind: StepKind;
  /** The run's input, or the output of an earlier step of the same run. */
  source: 'input' | 'step_output';
  /** The step whose output is read (source step_output), else null. */
  sourceStepId: string | null;
  /** RFC 6901 JSON Pointer into that document; "" is the whole of it. */
  pointer: string;
  /** The part of the step's definition that reads it. */
  via: 'field' | 'template' | 'prompt' | 'source' | 'args_from' | 'proposal';
}

const escapeSegment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const pointerOf = (segments: readonly string[]) => segments.map((s) => `/${escapeSegment(s)}`).join('');

/**
 * A placeholder as data read: `input.a.b` is /a/b of the run input, `steps.x.c` is /c of step x's
 * output. Anything else (a rules template's own `label`, `confidence`) is not read from data.
 */
function placeholderRead(step: StepDefinition, path: string, via: 'template' | 'prompt'): DataFieldRead | null {
  const [head, ...rest] = path.split('.');
  if (head === 'input') return { stepId: step.id, stepKind: step.kind, source: 'input', sourceStepId: null, pointer: pointerOf(rest), via };
  if (head === 'steps' && via === 'prompt' && rest.length > 0) {
    const [stepId, ...inner] = rest;
    return { stepId: step.id, stepKind: step.kind, source: 'step_output', sourceStepId: stepId!, pointer: pointerOf(inner), via };
  }
  return null;
}

/**
 * Which data fields each step reads, from the definition alone (the same defaults the runner
 * applies: a validate or action step without `source` / `argsFrom` reads the previous step's
 * output, the first step reads the run input). In definition order.
 */
export function dataFieldsRead(definition: WorkflowDefinition): DataFieldRead[] {
  const reads: DataFieldRead[] = [];
  definition.steps.forEach((step, i) => {
    const previous = i > 0 ? definition.steps[i - 1]!.id : null;
    const whole = (from: string | null, via: DataFieldRead['via']): DataFieldRead =>
      from === null
        ? { stepId: step.id, stepKind: step.kind, source: 'input', sourceStepId: null, pointer: '', via }
        : { stepId: step.id, stepKind: step.kind, source: 'step_output', sourceStepId: from, pointer: '', via };
    switch (step.kind) {
      case 'rules':
        reads.push({ stepId: step.id, stepKind: step.kind, source: 'input', sourceStepId: null, pointer: step.field, via: 'field' });
        for (const p of step.template ? templatePlaceholders(step.template) : []) {
          const read = placeholderRead(step, p, 'template');
          if (read) reads.push(read);
        }
        break;
      case 'agent':
        for (const p of templatePlaceholders(step.prompt)) {
          const read = placeholderRead(step, p, 'prompt');
          if (read) reads.push(read);
        }
        break;
      case 'validate':
        reads.push(whole(step.source ?? previous, 'source'));
        break;
      case 'route':
        reads.push({ stepId: step.id, stepKind: step.kind, source: 'step_output', sourceStepId: step.source, pointer: step.field, via: 'field' });
        break;
      case 'action':
        reads.push(whole(step.argsFrom ?? previous, 'args_from'));
        break;
      case 'approval':
        reads.push(whole(previous, 'proposal'));
        break;
    }
  });
  return reads;
}
