import type { GraphQLRequestError } from '../../../lib/graphql-client.js';

interface Detail {
  readonly label: string;
  readonly message: string;
}

/**
 * The structured part of a refusal: publish lists missing clarity items (details.missing),
 * a rejected definition lists its problems with JSON pointers (details.issues).
 */
export function errorDetails(error: GraphQLRequestError): Detail[] {
  const details = error.errors[0]?.extensions?.details as
    | { missing?: Array<{ point?: string; item?: string; message?: string }>; issues?: Array<{ path?: string; message?: string }> }
    | undefined;
  if (!details) return [];
  const missing = (details.missing ?? []).map((m) => ({ label: m.item ?? m.point ?? '', message: m.message ?? '' }));
  const issues = (details.issues ?? []).map((i) => ({ label: i.path || '(definition)', message: i.message ?? '' }));
  return [...missing, ...issues];
}

export function ErrorDetails({ error, title = 'What is missing' }: { readonly error: GraphQLRequestError; readonly title?: string }) {
  const items = errorDetails(error);
  if (items.length === 0) return null;
  return (
    <div className="wf-error-details">
      <p className="wf-error-details__title">{title}</p>
      <ul>
        {items.map((d, i) => (
          <li key={`${d.label}-${i}`}>
            <code>{d.label}</code> {d.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
