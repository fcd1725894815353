/**
 * Hash routes (`#/runs/ID`): they work the same from file:// in Electron and over http in
 * serve mode, and need no server-side fallback.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'datasets' }
  | { page: 'models' }
  | { page: 'new-run' }
  | { page: 'runs' }
  | { page: 'run'; id: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'models') return { page: 'models' };
  if (parts[0] === 'new-run') return { page: 'new-run' };
  if (parts[0] === 'runs' && parts[1]) return { page: 'run', id: parts[1] };
  if (parts[0] === 'runs') return { page: 'runs' };
  return { page: 'datasets' };
}

export function href(route: Route): string {
  return route.page === 'run' ? `#/runs/${encodeURIComponent(route.id)}` : `#/${route.page}`;
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
