/** Entry point: connect to the workbench (IPC or WebSocket), feed live events, render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect, type Api } from './api';
import { App } from './App';
import { ApiContext } from './hooks';
import { feedLive } from './live';
import './styles.css';
import './runs.css';

const root = createRoot(document.getElementById('root') as HTMLElement);

let api: Api | null = null;
let failure: string | null = null;
try {
  api = connect();
} catch (error) {
  failure = error instanceof Error ? error.message : String(error);
}

if (api) {
  feedLive(api);
  root.render(
    <StrictMode>
      <ApiContext.Provider value={api}>
        <App />
      </ApiContext.Provider>
    </StrictMode>,
  );
} else {
  root.render(
    <div className="fatal" role="alert" data-testid="fatal">
      <h1>Graft cannot reach its workbench</h1>
      <p>{failure}</p>
    </div>,
  );
}
