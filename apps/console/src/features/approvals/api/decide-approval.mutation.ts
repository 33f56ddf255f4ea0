import { graphql } from '../../../gql/index.js';

export const DECIDE_APPROVAL_MUTATION = graphql(`
  mutation ConsoleDecideApproval($approvalId: ID!, $decision: ApprovalDecision!, $reason: String, $editedOutput: JSON) {
    decideApproval(approvalId: $approvalId, decision: $decision, reason: $reason, editedOutput: $editedOutput) {
      id
      status
      decision
      reason
      run {
        id
        status
      }
    }
  }
`);
