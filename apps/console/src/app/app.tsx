import { AppShell, EmptyState, ScreenHeader } from '@gatehouse/ui';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { ApprovalsPage } from '../features/approvals/components/approvals-page.js';
import { ExceptionQueuePage } from '../features/exceptions/components/exception-queue-page.js';
import { MetricsPage } from '../features/metrics/components/metrics-page.js';
import { RunExplorerPage } from '../features/runs/components/run-explorer-page.js';
import { RunPage } from '../features/runs/components/run-page.js';
import { CurrentPrincipal } from '../features/session/components/current-principal.js';
import { DevSignIn } from '../features/session/components/dev-sign-in.js';
import { useApiKey } from '../features/session/hooks/use-api-key.js';
import { useMe } from '../features/session/hooks/use-me.js';
import { WorkflowPage } from '../features/workflows/components/workflow-page.js';
import { WorkflowsPage } from '../features/workflows/components/workflows-page.js';
import { NAV_ITEMS } from './nav-items.js';

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
  const { apiKey } = useApiKey();
  return (
    <AppShell
      brand="Gatehouse"
      nav={apiKey === null ? null : <MainNav />}
      actions={
        <>
          {apiKey === null ? null : <CurrentPrincipal />}
          <DevSignIn />
        </>
      }
    >
      {apiKey === null ? (
        <>
          <ScreenHeader title="Sign in" subtitle="Workflows, approvals and exceptions for AI-agent operations" />
          <EmptyState
            title="You are signed out"
            description="Choose a development identity in the sign-in selector above to see the console as that principal."
          />
        </>
      ) : (
        <Routes>
          <Route path="/" element={<HomeRedirect />} />
          <Route path="/exceptions" element={<ExceptionQueuePage />} />
          <Route path="/exceptions/:exceptionId" element={<ExceptionQueuePage />} />
          <Route path="/approvals" element={<ApprovalsPage />} />
          <Route path="/approvals/:approvalId" element={<ApprovalsPage />} />
          <Route path="/runs" element={<RunExplorerPage />} />
          <Route path="/runs/:runId" element={<RunPage />} />
          <Route path="/workflows" element={<WorkflowsPage />} />
          <Route path="/workflows/:workflowKey" element={<WorkflowPage />} />
          <Route path="/metrics" element={<MetricsPage />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      )}
    </AppShell>
  );
}
