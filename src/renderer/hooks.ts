/** The api in React context, and a small hook for calls that load a page's data. */
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import type { CallName, CallRequest, CallResponse } from '../shared/contract';
import { ApiError, type Api } from './api';

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiContext.Provider>');
  return api;
}

export interface Query<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('internal', error instanceof Error ? error.message : String(error));
}

/**
 * Runs `call(name, request)` on mount and whenever `key` changes; `reload` runs it again.
 * The request is keyed by its JSON so callers may pass a fresh literal every render.
 */
export function useQuery<C extends CallName>(
  name: C,
  request: CallRequest<C>,
  key: unknown = null,
): Query<CallResponse<C>> {
  const api = useApi();
  const [state, setState] = useState<Omit<Query<CallResponse<C>>, 'reload'>>({
    data: null,
    error: null,
    loading: true,
  });
  const [nonce, setNonce] = useState(0);
  const requestKey = JSON.stringify(request);

  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));

    api
      .call(name, JSON.parse(requestKey) as CallRequest<C>)
      .then((data) => current && setState({ data, error: null, loading: false }))
      .catch((error: unknown) => {
        if (current) setState((s) => ({ ...s, error: asApiError(error), loading: false }));
      });
    // A reply for an outdated request must not overwrite a newer one.
    return () => {
      current = false;
    };
  }, [api, name, requestKey, key, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}
