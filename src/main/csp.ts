/**
 * The Content-Security-Policy every shell sends with the renderer. The page runs only its own
 * bundled scripts and styles: no inline code, no eval, no plugins, no framing, no remote
 * fetches. index.html carries the same policy in a meta tag so it holds even where no header
 * can be set (file:// in Electron); both must pass, so they have to agree.
 */

export interface CspOptions {
  /** Extra connect-src sources: serve mode's WebSocket origin. */
  connect?: string[];
  /** Relaxations for the Vite dev server (inline HMR preamble and injected styles). */
  dev?: boolean;
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const inline = options.dev ? " 'unsafe-inline'" : '';
  const connect = ["'self'", ...(options.connect ?? []), ...(options.dev ? ['ws:'] : [])];

  return [
    "default-src 'none'",
    `script-src 'self'${inline}`,
    `style-src 'self'${inline}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
