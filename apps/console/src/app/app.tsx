import { AppShell, EmptyState, ScreenHeader } from '@gatehouse/ui';
import { type ComponentType, Suspense, lazy } from 'react';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { CurrentPrincipal } from '../features/session/components/current-principal.js';
import { DevSignIn } from '../features/session/components/dev-sign-in.js';
import { PasswordSignIn } from '../features/session/components/password-sign-in.js';
import { SignOutButton } from '../features/session/components/sign-out-button.js';
import { useSignedIn } from '../features/session/hooks/use-api-key.js';
import { useAuthConfig } from '../features/session/hooks/use-auth-config.js';
import { useMe } from '../features/session/hooks/use-me.js';
import { NAV_ITEMS } from './nav-items.js';

/**
 * Each screen is its own chunk, loaded when first opened: the charting library (metrics) and the
 * JSON diff (workflows, approvals) stay out of the reviewer's first load.
 */
function screen<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}
const ExceptionQueuePage = screen(() => import('../features/exceptions/components/exception-queue-page.js'), 'ExceptionQueuePage');
const ApprovalsPage = screen(() => import('../features/approvals/components/approvals-page.js'), 'ApprovalsPage');
const RunExplorerPage = screen(() => import('../features/runs/components/run-explorer-page.js'), 'RunExplorerPage');
const RunPage = screen(() => import('../features/runs/components/run-page.js'), 'RunPage');
const DecisionRecordPage = screen(() => import('../features/runs/components/decision-record-page.js'), 'DecisionRecordPage');
const WorkflowsPage = screen(() => import('../features/workflows/components/workflows-page.js'), 'WorkflowsPage');
const WorkflowPage = screen(() => import('../features/workflows/components/workflow-page.js'), 'WorkflowPage');
const MetricsPage = screen(() => import('../features/metrics/components/metrics-page.js'), 'MetricsPage');
const WebhooksPage = screen(() => import('../features/webhooks/components/webhooks-page.js'), 'WebhooksPage');
const PeoplePage = screen(() => import('../features/people/components/people-page.js'), 'PeoplePage');

/** The screens this role may open; an integrator (no queue) starts at Runs. */
function MainNav() {
  const me = useMe();
  const operations = me.data?.me.operations ?? [];
  return (
    <>
      {NAV_ITEMS.filter((item) => operations.includes(item.operation)).map((item) => (
        <NavLink key={item.to} to={item.to}>
          {item.label}
        </NavLink>
      ))}
    </>
  );
}

function HomeRedirect() {
  const me = useMe();
  if (me.isPending) return <p role="status">Signing in…</p>;
  if (me.isError) return <CurrentPrincipal />;
  const first = NAV_ITEMS.find((item) => me.data.me.operations.includes(item.operation));
  return <Navigate to={first?.to ?? '/runs'} replace />;
}

function NotFound() {
  return (
    <>
      <ScreenHeader title="Page not found" />
      <EmptyState title="Nothing here" description="Use the navigation above to open a screen." />
    </>
  );
}

export function App() {
  const signedIn = useSignedIn();
  // The development selector only where the API accepts development keys (never in production);
  // shown while the answer is on its way so a development reload does not flicker (the keys
  // grant nothing in production anyway: the API refuses them).
  const authConfig = useAuthConfig();
  const developmentKeys = authConfig.data?.developmentKeys ?? authConfig.isPending;
  return (
    <AppShell
      brand="Gatehouse"
      nav={signedIn ? <MainNav /> : null}
      actions={
        <>
          {signedIn ? <CurrentPrincipal /> : null}
          <SignOutButton />
          {developmentKeys ? <DevSignIn /> : null}
        </>
      }
    >
      {!signedIn ? (
        <>
          <ScreenHeader title="Sign in" subtitle="Workflows, approvals and exceptions for AI-agent operations" />
          <EmptyState
            title="You are signed out"
            description={
              developmentKeys
                ? 'Sign in with your email and password, or choose a development identity in the sign-in selector above to see the console as that principal.'
                : 'Sign in with your email and password.'
            }
          />
          <PasswordSignIn />
        </>
      ) : (
        <Suspense fallback={<p role="status">Loading…</p>}>
          <Routes>
            <Route path="/" element={<HomeRedirect />} />
            <Route path="/exceptions" element={<ExceptionQueuePage />} />
            <Route path="/exceptions/:exceptionId" element={<ExceptionQueuePage />} />
            <Route path="/approvals" element={<ApprovalsPage />} />
            <Route path="/approvals/:approvalId" element={<ApprovalsPage />} />
            <Route path="/runs" element={<RunExplorerPage />} />
            <Route path="/runs/:runId" element={<RunPage />} />
            <Route path="/runs/:runId/record" element={<DecisionRecordPage />} />
            <Route path="/workflows" element={<WorkflowsPage />} />
            <Route path="/workflows/:workflowKey" element={<WorkflowPage />} />
            <Route path="/metrics" element={<MetricsPage />} />
            <Route path="/webhooks" element={<WebhooksPage />} />
            <Route path="/people" element={<PeoplePage />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      )}
    </AppShell>
  );
}
