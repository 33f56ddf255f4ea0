import { Field, ID, ObjectType } from 'type-graphql';
import { RoleEnum } from '../../graphql/enums.js';

@ObjectType('ApiKey', { description: 'A credential; the secret itself is shown only once, at creation.' })
export class ApiKeyType {
  @Field(() => ID) id: string;
  @Field(() => String) name: string;
  @Field(() => String, { description: 'Identifies the key without revealing it.' }) prefix: string;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date, { nullable: true }) revokedAt: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt: Date | null;
  @Field(() => RoleEnum, { nullable: true, description: "The role the key acts with (at most its principal's); null: the principal's role." }) role: string | null;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyType {
  @Field(() => ApiKeyType) apiKey: ApiKeyType;
  @Field(() => String, { description: 'The key. Store it now: it cannot be shown again.' }) secret: string;
}
