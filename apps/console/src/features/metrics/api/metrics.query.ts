import { graphql } from '../../../gql/index.js';

/* Every figure the leadership screen shows; each rate comes with the sample it is computed over. */
export const METRICS_FIGURES_FRAGMENT = graphql(`
  fragment ConsoleMetricsFigures on MetricsFigures {
    runsStarted
    runsFinished
    completed
    failed
    exceptionsOpened
    handOffs
    handOffFailures
    approvalsRequested
    approvalsDecided
    approvalsReworked
    runsReopened
    approvalSlaBreaches
    exceptionSlaBreaches
    totalCostUsd
    cycleTimeP50Seconds { value sampleSize }
    cycleTimeP90Seconds { value sampleSize }
    straightThroughRate { value sampleSize }
    exceptionRate { value sampleSize }
    reworkRate { value sampleSize }
    handOffFailureRate { value sampleSize }
    errorRate { value sampleSize }
    approvalLatencyP50Seconds { value sampleSize }
    approvalLatencyP90Seconds { value sampleSize }
    slaBreachRate { value sampleSize }
    costPerRunUsd { value sampleSize }
    shadowAgreementRate { value sampleSize }
    exceptionsByReason { reason count rate { value sampleSize } }
  }
`);

/** The period's totals, every bucket, and cost drift. Codegen appends the fragment to the query. */
export const METRICS_QUERY = graphql(`
  query ConsoleMetrics($workflowKey: String, $from: DateTimeISO!, $to: DateTimeISO!, $bucket: MetricBucket!) {
    metrics(workflowKey: $workflowKey, from: $from, to: $to, bucket: $bucket) {
      workflowKey
      from
      to
      bucket
      total { ...ConsoleMetricsFigures }
      buckets {
        start
        figures { ...ConsoleMetricsFigures }
      }
      costDriftVsPrevious {
        percent
        costPerRunUsd
        sampleSize
        previousCostPerRunUsd
        previousSampleSize
      }
      costDriftVsBaseline {
        percent
        costPerRunUsd
        sampleSize
        baselinePerRunUsd
      }
    }
  }
`);

/** The workflow picker's options. */
export const METRICS_WORKFLOWS_QUERY = graphql(`
  query ConsoleMetricsWorkflowOptions {
    workflows {
      key
      name
    }
  }
`);
