/*
 * The parts of the decision record document (schemaVersion 1, docs/decision-records.md) the
 * console renders. The API sends the whole document as JSONObject; the console may not import
 * the domain package, so the shape it relies on is written down here.
 */

export interface RecordPerson {
  readonly id: string | null;
  readonly name: string | null;
  readonly role: string | null;
}

export type RecordedPayload = { readonly state: 'recorded'; readonly value: unknown } | { readonly state: 'none' } | { readonly state: 'purged'; readonly purgedAt: string };

export interface DecisionRecordDocument {
  readonly schemaVersion: number;
  readonly generatedAt: string;
  readonly generatedBy: RecordPerson;
  readonly workflow: { readonly key: string; readonly name: string; readonly version: number };
  readonly run: {
    readonly id: string;
    readonly externalRef: string | null;
    readonly status: string;
    readonly rolloutStage: string;
    readonly startedBy: RecordPerson;
    readonly createdAt: string;
    readonly finishedAt: string | null;
    readonly input: RecordedPayload;
    readonly output: RecordedPayload;
  };
  readonly dataFieldsRead: ReadonlyArray<{ readonly stepId: string; readonly source: 'input' | 'step_output'; readonly sourceStepId: string | null; readonly pointer: string; readonly via: string }>;
  readonly steps: ReadonlyArray<{
    readonly stepId: string;
    readonly attempt: number;
    readonly status: string;
    readonly provider: string | null;
    readonly model: string | null;
    readonly promptVersion: string | null;
    readonly confidence: number | null;
    readonly tokensIn: number | null;
    readonly tokensOut: number | null;
    readonly costUsd: number | null;
    readonly latencyMs: number | null;
  }>;
  readonly checks: ReadonlyArray<{ readonly stepId: string; readonly attempt: number | null; readonly check: string; readonly result: string; readonly detail: string; readonly confidence: number | null; readonly threshold: number | null }>;
  readonly humanDecisions: ReadonlyArray<{
    readonly kind: string;
    readonly at: string;
    readonly by: RecordPerson;
    readonly decision?: string;
    readonly resolution?: string;
    readonly stepId?: string;
    readonly reason?: string | null;
    readonly note?: string | null;
    readonly edit?: { readonly changes: ReadonlyArray<{ readonly op: string; readonly path: string }>; readonly edited: RecordedPayload } | null;
  }>;
  readonly finalAction: { readonly outcome: string; readonly action: string | null; readonly idempotencyKey: string | null; readonly detail: string; readonly at: string | null };
  readonly redactions: { readonly policy: { readonly redactPaths: readonly string[]; readonly detectors: readonly string[] }; readonly atStorage: { readonly total: number }; readonly atExport: { readonly total: number } };
  readonly integrity: { readonly auditEvents: ReadonlyArray<{ readonly seq: number; readonly id: string; readonly action: string; readonly occurredAt: string; readonly hash: string }>; readonly howToVerify: string };
}

/** What a person did, in a few words ("edit and approve", "override output"). */
export function decisionLabel(d: DecisionRecordDocument['humanDecisions'][number]): string {
  const words = (s: string) => s.replaceAll('_', ' ');
  switch (d.kind) {
    case 'approval_decision':
      return `${words(d.decision ?? 'decided')} (approval at ${d.stepId ?? '?'})`;
    case 'exception_resolution':
      return `${words(d.resolution ?? 'resolved')} (exception at ${d.stepId ?? '?'})`;
    case 'cancellation':
      return 'cancelled the run';
    case 'reopen':
      return 're-opened the run';
    case 'human_outcome':
      return 'recorded the human outcome';
    default:
      return words(d.kind);
  }
}

/**
 * Downloads the JSON record through the API's REST route with the current credentials (the
 * development key, else the session cookie) and saves it via a Blob. Throws with the API's message.
 */
export async function downloadDecisionRecord(runId: string, apiKey: string | null): Promise<void> {
  const response = await fetch(`/runs/${encodeURIComponent(runId)}/decision-record.json`, {
    headers: apiKey ? { 'x-api-key': apiKey } : {},
    credentials: 'same-origin',
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { errors?: Array<{ message?: string }> } | null;
    throw new Error(body?.errors?.[0]?.message ?? `The download failed (HTTP ${response.status}).`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `decision-record-${runId}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
