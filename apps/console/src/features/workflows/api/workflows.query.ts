export const WORKFLOWS_QUERY = /* GraphQL */ `
  query ConsoleWorkflows {
    workflows {
      key
      name
      rolloutStage
      paused
    }
  }
`;

export interface WorkflowSummary {
  readonly key: string;
  readonly name: string;
  /** shadow | draft | execute (GraphQL enums may arrive upper-cased). */
  readonly rolloutStage: string;
  readonly paused: boolean;
}

export interface WorkflowsQueryData {
  readonly workflows: readonly WorkflowSummary[];
}
