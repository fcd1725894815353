/** The shell of the UI: navigation, the connection line and the page for the current route. */
import { useEffect, useState, type ReactElement } from 'react';
import type { ConnectionState } from './api';
import { useApi } from './hooks';
import { DatasetsPage } from './pages/DatasetsPage';
import { ModelsPage } from './pages/ModelsPage';
import { NewRunPage } from './pages/NewRunPage';
import { RunDetailPage } from './pages/RunDetailPage';
import { RunsPage } from './pages/RunsPage';
import { href, useRoute, type Route } from './router';

const NAV: { route: Route; label: string; testId: string }[] = [
  { route: { page: 'datasets' }, label: 'Datasets', testId: 'nav-datasets' },
  { route: { page: 'models' }, label: 'Models', testId: 'nav-models' },
  { route: { page: 'new-run' }, label: 'New run', testId: 'nav-new-run' },
  { route: { page: 'runs' }, label: 'Runs', testId: 'nav-runs' },
];

function Page(props: { route: Route }): ReactElement {
  const { route } = props;
  switch (route.page) {
    case 'models':
      return <ModelsPage />;
    case 'new-run':
      return <NewRunPage />;
    case 'runs':
      return <RunsPage />;
    case 'run':
      return <RunDetailPage key={route.id} id={route.id} />;
    default:
      return <DatasetsPage />;
  }
}

function ConnectionLine(): ReactElement | null {
  const api = useApi();
  const [state, setState] = useState<ConnectionState>('open');

  useEffect(() => api.onConnection(setState), [api]);

  if (state === 'open') return null;
  return (
    <div className="connection" role="status" data-testid="connection-state">
      {state === 'connecting'
        ? 'Connecting to Graft…'
        : 'Lost the connection to Graft; retrying. If the server restarted, ' +
          'open the new address it printed.'}
    </div>
  );
}

export function App(): ReactElement {
  const route = useRoute();
  const current = route.page === 'run' ? 'runs' : route.page;

  return (
    <div className="app">
      {/* A button, not href="#main": the hash is the router's. */}
      <button
        type="button"
        className="skip"
        onClick={() => document.getElementById('main')?.focus()}
      >
        Skip to content
      </button>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Graft</div>
        <ul>
          {NAV.map((item) => (
            <li key={item.testId}>
              <a
                href={href(item.route)}
                aria-current={item.route.page === current ? 'page' : undefined}
                data-testid={item.testId}
              >
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <ConnectionLine />
        <Page route={route} />
      </main>
    </div>
  );
}
