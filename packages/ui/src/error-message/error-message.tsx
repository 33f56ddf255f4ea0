import { Button } from '../button/button.js';

/** The parts of an API error a person needs: GraphQL `message` and `extensions.code`. */
export interface ApiErrorLike {
  readonly message: string;
  readonly code?: string | null | undefined;
}

export interface ErrorMessageProps {
  readonly error: ApiErrorLike;
  /** A short headline; defaults to "Something went wrong". */
  readonly title?: string;
  /** When given, a "Try again" button calls it. */
  readonly onRetry?: () => void;
}

/**
 * An API error as a person reads it: the message the API wrote for them, plus the stable
 * error code to quote when asking for help. Announced to assistive technology (role=alert).
 */
export function ErrorMessage({ error, title = 'Something went wrong', onRetry }: ErrorMessageProps) {
  return (
    <div className="gh-error-message" role="alert">
      <p className="gh-error-message__title">{title}</p>
      <p className="gh-error-message__text">{error.message}</p>
      {error.code ? (
        <p className="gh-error-message__code">
          Error code: <code>{error.code}</code>
        </p>
      ) : null}
      {onRetry ? (
        <Button variant="secondary" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}
