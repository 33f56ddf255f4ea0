import { EmptyState, Page } from '@gatehouse/ui';
import { CurrentPrincipal } from '../features/session/components/current-principal.js';
import { DevSignIn } from '../features/session/components/dev-sign-in.js';
import { useApiKey } from '../features/session/hooks/use-api-key.js';
import { WorkflowList } from '../features/workflows/components/workflow-list.js';

export function App() {
  const { apiKey } = useApiKey();
  return (
    <Page
      title="Gatehouse console"
      subtitle="Workflows, approvals and exceptions for AI-agent operations"
      actions={<DevSignIn />}
    >
      {apiKey === null ? (
        <EmptyState
          title="You are signed out"
          description="Choose a development identity in the sign-in selector above to see the console as that principal."
        />
      ) : (
        <>
          <CurrentPrincipal />
          <section className="console-section" aria-labelledby="workflows-heading">
            <h2 id="workflows-heading">Workflows</h2>
            <WorkflowList />
          </section>
        </>
      )}
    </Page>
  );
}
