import { loadChallengerPairs, type Tx } from '@gatehouse/db';
import { compareChallenger, type ChallengerComparison, type Workflow } from '@gatehouse/domain';

/** The workflow's challenger beside its champion on the live runs it shadowed; null without a challenger. */
export async function loadChallengerComparison(tx: Tx, workflow: Workflow): Promise<ChallengerComparison | null> {
  const challenger = workflow.challenger;
  if (!challenger) return null;
  return compareChallenger(await loadChallengerPairs(tx, challenger.versionId, challenger.attachedAt), workflow.evaluation);
}
