/**
 * The live preview's data: `datasets.peek` rerun, after a short pause, whenever what it depends
 * on changes. A reply to an outdated request never overwrites a newer one, and the last good
 * preview stays on screen while the next one loads, so the table does not flicker as one types.
 * What detection read is kept per file, for the options the user overrides afterwards.
 */
import { useEffect, useState } from 'react';
import type { DatasetPeek, DatasetSampleRequest } from '../../shared/contract';
import type { ApiError } from '../api';
import { asApiError, useApi } from '../hooks';
import { detectedReading, type DetectedReading } from './form';

/** Long enough to skip the requests of a path being typed, short enough to feel live. */
const PAUSE_MS = 250;

export interface Peek {
  data: DatasetPeek | null;
  /** The request `data` answers: while the next one loads, an older one. */
  request: DatasetSampleRequest | null;
  error: ApiError | null;
  loading: boolean;
}

const IDLE: Peek = { data: null, request: null, error: null, loading: false };

export function usePeek(request: DatasetSampleRequest): Peek {
  const api = useApi();
  const [state, setState] = useState<Peek>(IDLE);
  const key = JSON.stringify(request);

  useEffect(() => {
    const current = JSON.parse(key) as DatasetSampleRequest;
    if (!current.path) {
      setState(IDLE);
      return;
    }
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      api
        .call('datasets.peek', current)
        .then((data) => live && setState({ data, request: current, error: null, loading: false }))
        .catch((error: unknown) => {
          // Rows of another file or of other options would mislead: the error stands alone
          if (live) {
            setState({ data: null, request: null, error: asApiError(error), loading: false });
          }
        });
    }, PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, key]);

  return state;
}

/** What detection reads for the file, kept while the user overrides some of it. */
export function useDetected(peek: Peek): DetectedReading | null {
  const [detected, setDetected] = useState<DetectedReading | null>(null);
  useEffect(() => {
    const { data, request } = peek;
    if (data && request) setDetected((d) => detectedReading(d, request, data));
  }, [peek.data, peek.request]);
  return detected;
}
