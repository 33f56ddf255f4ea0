import type { Workflow } from '@gatehouse/domain';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { ChallengerChangeKindEnum } from '../../graphql/enums.js';
import { ShadowAgreementType } from '../workflows/evaluation.types.js';

@ObjectType('AgreementFigure', { description: 'How often the challenger agreed, by the workflow\'s agreement rule.' })
export class AgreementFigureType {
  @Field(() => Int) agreed: number;
  @Field(() => Int, { description: 'Finished pairs that had something to compare with.' }) sampleSize: number;
  @Field(() => Float, { nullable: true, description: 'agreed / sampleSize; null with no sample.' }) rate: number | null;
}

@ObjectType('ChallengerSideFigures', { description: 'One side of the comparison (the champion or the challenger) over the same live runs.' })
export class ChallengerSideFiguresType {
  @Field(() => Int, { description: 'Runs with a result (finished, or for the champion: past its AI steps).' }) runs: number;
  @Field(() => Int) failed: number;
  @Field(() => Float, { nullable: true, description: 'Mean cost per run in USD; null with no runs.' }) costPerRunUsd: number | null;
  @Field(() => Int, { nullable: true, description: 'Median time spent in the steps (waiting for people excluded), ms.' }) latencyP50Ms: number | null;
  @Field(() => Int, { nullable: true, description: '95th percentile of the same, ms.' }) latencyP95Ms: number | null;
}

@ObjectType('ChallengerComparison', { description: 'The challenger beside the champion on the live runs it shadowed since it was attached (the latest 5,000 at most).' })
export class ChallengerComparisonType {
  @Field(() => Int, { description: 'Live runs the challenger shadowed.' }) pairs: number;
  @Field(() => Int, { description: 'Of those, pairs whose challenger run finished.' }) finished: number;
  @Field(() => AgreementFigureType, { description: "Agreement with the champion's result." }) vsChampion: AgreementFigureType;
  @Field(() => AgreementFigureType, { description: 'Agreement with the human outcome, where one was recorded for the live run.' }) vsHuman: AgreementFigureType;
  @Field(() => ShadowAgreementType, { description: 'What switching is judged on: over the latest minSampleSize finished pairs, agreement with the human outcome where recorded, else with the champion.' }) gate: ShadowAgreementType;
  @Field(() => ChallengerSideFiguresType) champion: ChallengerSideFiguresType;
  @Field(() => ChallengerSideFiguresType) challenger: ChallengerSideFiguresType;
}

@ObjectType('Challenger', { description: 'A version shadowing a share of live runs beside the published champion; its actions never execute.' })
export class ChallengerType {
  @Field(() => Float, { description: 'Percent (0–100) of live runs it shadows.' }) sharePercent: number;
  @Field(() => Date) attachedAt: Date;
  @Field(() => [ChallengerChangeKindEnum], { description: 'What it changes compared with the champion.' }) changes: string[];
  versionId: string;
  attachedBy: string;
  /** The workflow it challenges (for the comparison's resolver). */
  workflow: Workflow;
}
