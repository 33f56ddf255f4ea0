import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.js';
import { JSONObjectScalar } from '../../graphql/scalars.js';

@ObjectType('AuditEvent', { description: 'Append-only, hash-chained record of a decision or change.' })
export class AuditEventType {
  @Field(() => ID) id: string;
  @Field(() => Int) seq: number;
  @Field(() => Date) occurredAt: Date;
  @Field(() => String) actorRole: string;
  @Field(() => String) action: string;
  @Field(() => String) subjectType: string;
  @Field(() => String) subjectId: string;
  @Field(() => [String]) scopeIds: string[];
  @Field(() => JSONObjectScalar) data: Record<string, unknown>;
  @Field(() => String) prevHash: string;
  @Field(() => String) hash: string;
}

@ObjectType('AuditChainBreak')
export class AuditChainBreakType {
  @Field(() => Int) seq: number;
  @Field(() => ID) id: string;
  @Field(() => String, { description: 'hash_mismatch | prev_hash_mismatch | seq_gap' }) reason: string;
}

@ObjectType('AuditChainVerification')
export class AuditChainVerificationType {
  @Field(() => Boolean) ok: boolean;
  @Field(() => Int) checked: number;
  @Field(() => String, { nullable: true }) headHash: string | null;
  @Field(() => Int, { nullable: true }) headSeq: number | null;
  @Field(() => AuditChainBreakType, { nullable: true, description: 'The first broken link, if any.' }) firstBroken: AuditChainBreakType | null;
}

export const AuditEventConnection = ConnectionType('AuditEvent', AuditEventType);
