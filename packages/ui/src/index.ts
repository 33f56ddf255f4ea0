export { Button, type ButtonProps, type ButtonVariant } from './button/button.js';
export { EmptyState, type EmptyStateProps } from './empty-state/empty-state.js';
export { ErrorMessage, type ApiErrorLike, type ErrorMessageProps } from './error-message/error-message.js';
export { MAIN_CONTENT_ID, Page, type PageProps } from './page/page.js';
export {
  RUN_STATUSES,
  StatusBadge,
  runStatusLabel,
  type RunStatus,
  type StatusBadgeProps,
} from './status-badge/status-badge.js';
export { AppShell, type AppShellProps } from './app-shell/app-shell.js';
export { ScreenHeader, type ScreenHeaderProps } from './screen-header/screen-header.js';
