/** The console's screens in the main navigation, with the query each needs (hidden without it). */
export const NAV_ITEMS = [
  { to: '/exceptions', label: 'Exceptions', operation: 'exceptionQueue' },
  { to: '/approvals', label: 'Approvals', operation: 'approvals' },
  { to: '/runs', label: 'Runs', operation: 'runs' },
  { to: '/workflows', label: 'Workflows', operation: 'workflows' },
  { to: '/metrics', label: 'Metrics', operation: 'metrics' },
  { to: '/webhooks', label: 'Webhooks', operation: 'webhookSubscriptions' },
  { to: '/people', label: 'People', operation: 'createPrincipal' },
] as const;
