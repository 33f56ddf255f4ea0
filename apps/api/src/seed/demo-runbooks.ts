/*
 * The demo workflows' runbooks (docs/runbooks.md): what a reviewer who has never seen the
 * workflow reads beside each exception and approval. Complete for every exception reason the
 * definitions can raise, so support-triage may run in execute.
 */

export const SUPPORT_TRIAGE_RUNBOOK = `# Support ticket triage — runbook

## Overview

Every new ticket in the support inbox is classified by keyword rules as **refund**, **outage**,
**how_to** or **other**. How-to questions get the matching help-centre article at once (a
reversible action). Everything else gets a drafted first reply that a reviewer approves before
it reaches the customer. Gatehouse never issues refunds or closes accounts: those stay with
the support team.

## Contacts

- Operational owner: Olive Owner (olive@gatehouse.dev) — anything about how the workflow behaves.
- Change approver: Oscar Approver (oscar@gatehouse.dev) — rule or template changes.
- Failure reviewer: Rita Reviewer (rita@gatehouse.dev) — repeated failures, odd patterns.
- Tier-2 support queue: #support-tier2 — customers who need a person now.
- Outside office hours: the support on-call rota in PagerDuty ("Support primary").

## Approvals

You are approving what the customer will receive. Check that the label fits the ticket, the
reply mentions the right ticket number, and nothing in it promises a refund or a date.
Edit the reply rather than reject it when only the wording is off; reject when the ticket
should not get an automatic reply at all, and hand it to Tier-2.

## Approval: reply

The drafted first reply goes to the customer as written. For **refund** tickets say we are
checking the charge, never that the money is on its way. For **outage** tickets check the
status page first and link it if there is an incident.

## Exception: low_confidence

The rules could not place the ticket with enough confidence (below 0.6), usually because it
matches no keyword. Read the customer's message:

1. If it clearly is a refund, outage or how-to question, resolve with **override output**
   giving the right \`label\` (e.g. \`{"label": "refund", "confidence": 1}\`).
2. If it is something else (account, billing question, complaint), **hand off** to \`tier2\`.
3. Note any new phrasing worth a rule and tell the change approver.

## Exception: invalid_output

The classification did not have the expected shape, or a completed run was re-opened because
its result was wrong. Look at the run's trace: if a rule or template change caused it, tell the
operational owner and **hand off** to \`tier2\`; for a one-off, **override output** with the
correct label and confidence.

## Exception: tool_error

Sending the reply or the help article failed after 3 tries (the helpdesk webhook answered an
error or could not be reached). Check the helpdesk status. If the helpdesk is down, leave the
item and **retry** once it is back; if the ticket no longer exists, **cancel** the run.

## Exception: missing_data

The ticket had no message text (or a template field was empty). These go to Tier-2
automatically; if one reaches you, **hand off** to \`tier2\` — never guess the content.

## Exception: timeout

The helpdesk took too long to answer after 2 tries. The request may have gone through: look
the ticket up in the helpdesk before you **retry** (the receiver ignores a repeat with the
same idempotency key, so a retry never sends twice).
`;

export const INVOICE_APPROVAL_RUNBOOK = `# Supplier invoice approval — runbook

## Overview

Supplier invoices are categorised by keyword rules (software, travel, uncategorised), then an
owner signs off before the payment is scheduled. Scheduling a payment is irreversible.
Gatehouse never changes supplier bank details. The workflow is in its shadow pilot: payments
are recorded, not sent.

## Contacts

- Operational owner: Olive Owner (olive@gatehouse.dev).
- Accounts payable team: ap@example.com, ext. 4410 — disputes, uncategorised invoices.
- Finance controller: on the finance on-call rota for amounts over 10,000 EUR.

## Approval: sign-off

Check the amount and supplier against the purchase order in the finance system. Reject when
there is no purchase order or the amounts differ; say which in the reason.

## Approval: pay

This schedules the payment and cannot be undone. Confirm the invoice was not paid already
(search the invoice number) and that the supplier's bank details were not changed recently.

## Exception: invalid_output

A completed run was re-opened because its result was wrong. Compare the category with the
invoice; **override output** with the right category, or **hand off** to \`ap-team\`.

## Exception: tool_error

The payment system did not accept the scheduling request after 3 tries. Do not schedule it by
hand before checking the payment system: it may have been accepted. Then **retry** or **hand off**.

## Exception: missing_data

The invoice had no description to categorise. Ask accounts payable for the description and
**cancel** the run, or **hand off** to \`ap-team\`.

## Exception: timeout

The payment system did not answer in time. Check whether the payment was scheduled before you
**retry**: a retry carries the same idempotency key, so it cannot pay twice.
`;
