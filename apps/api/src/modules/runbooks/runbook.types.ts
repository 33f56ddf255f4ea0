import { Field, ObjectType } from 'type-graphql';
import { ExceptionReasonEnum } from '../../graphql/enums.js';

@ObjectType('RunbookSection', { description: "One section of a workflow version's runbook (docs/runbooks.md)." })
export class RunbookSectionType {
  @Field(() => String, { description: 'The heading as written, without the #s, e.g. "Exception: low_confidence".' }) heading: string;
  @Field(() => String, { description: 'The section body as Markdown (untrusted: render without raw HTML).' }) markdown: string;
}

@ObjectType('MissingRunbookSection')
export class MissingRunbookSectionType {
  @Field(() => String, { description: 'The heading to add, e.g. "Exception: timeout".' }) heading: string;
  @Field(() => ExceptionReasonEnum, { nullable: true, description: 'The exception reason the section is for; null for Overview and Contacts.' }) reason: string | null;
  @Field(() => String) message: string;
}

@ObjectType('RunbookCheck', { description: 'Whether the runbook has every section the definition requires: needed to publish to, or promote to, execute.' })
export class RunbookCheckType {
  @Field(() => Boolean) complete: boolean;
  @Field(() => [MissingRunbookSectionType], { description: 'Every missing section at once.' }) missing: MissingRunbookSectionType[];
}
