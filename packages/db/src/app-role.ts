/**
 * The database role the API and the runner act as (created by migration AuditGrants1733184000000):
 * every table's rows, but only SELECT and INSERT on audit_events. See docs/security.md.
 */
export const APP_DATABASE_ROLE = 'gatehouse_app';
