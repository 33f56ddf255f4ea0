import { Field, ID, ObjectType } from 'type-graphql';
import { RoleEnum } from '../../graphql/enums.js';

@ObjectType('Principal', { description: 'A person or integration that acts in Gatehouse.' })
export class PrincipalType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => String)
  email: string;

  @Field(() => RoleEnum)
  role: string;

  @Field(() => Date, { nullable: true, description: 'When an admin disabled them (they can neither sign in nor use their keys); null: enabled.' })
  disabledAt?: Date | null;
}
