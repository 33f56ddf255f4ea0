import { type ButtonHTMLAttributes, type MouseEvent, useId } from 'react';

export type ButtonVariant = 'primary' | 'secondary' | 'danger';

export interface ButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'disabled'> {
  readonly variant?: ButtonVariant;
  /**
   * Why the button cannot be used right now ("Only the change approver may approve").
   * When set, the button is disabled and the reason is its tooltip and its accessible
   * description. There is deliberately no bare `disabled`: a person should always learn why.
   */
  readonly disabledReason?: string | null;
}

/**
 * A button with a variant. A disabled button stays focusable (`aria-disabled`, not the
 * `disabled` attribute) so keyboard and screen-reader users can reach it and hear why it is
 * disabled; clicks are swallowed while it is disabled.
 */
export function Button({
  variant = 'secondary',
  disabledReason,
  type = 'button',
  className,
  onClick,
  children,
  'aria-describedby': describedBy,
  ...rest
}: ButtonProps) {
  const reasonId = useId();
  const disabled = Boolean(disabledReason);
  const classes = ['gh-button', `gh-button--${variant}`, className].filter(Boolean).join(' ');

  const handleClick = (event: MouseEvent<HTMLButtonElement>) => {
    if (disabled) {
      event.preventDefault();
      return;
    }
    onClick?.(event);
  };

  return (
    <>
      <button
        {...rest}
        type={type}
        className={classes}
        onClick={handleClick}
        aria-disabled={disabled || undefined}
        title={disabled ? (disabledReason ?? undefined) : rest.title}
        aria-describedby={
          [describedBy, disabled ? reasonId : undefined].filter(Boolean).join(' ') || undefined
        }
      >
        {children}
      </button>
      {disabled ? (
        <span id={reasonId} className="gh-visually-hidden">
          {disabledReason}
        </span>
      ) : null}
    </>
  );
}
