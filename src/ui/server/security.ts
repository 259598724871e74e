/**
 * What keeps the viewer local: the `Host` header must name the loopback address the server
 * listens on (a DNS-rebinding page sends its own host name), every response carries a strict
 * Content-Security-Policy and refuses framing, and only GET/HEAD are served.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CSP = "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

/** The policy of the page: `CSP`, plus the one inline style sheet and the one inline script, by their SHA-256. */
export function cspWithInline(styles: readonly string[], scripts: readonly string[]): string {
  const hash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
  return `${CSP}; style-src 'self' ${styles.map(hash).join(' ')}; script-src 'self' ${scripts.map(hash).join(' ')}`;
}

/** Host header values accepted for a server on `port`. */
export function allowedHosts(port: number, extra: readonly string[] = []): Set<string> {
  const names = ['127.0.0.1', 'localhost', '[::1]', ...extra];
  return new Set(names.flatMap((n) => [`${n}:${port}`.toLowerCase(), ...(port === 80 ? [n.toLowerCase()] : [])]));
}

export function hostAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const host = req.headers.host;
  return typeof host === 'string' && allowed.has(host.toLowerCase());
}

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** Writes a small plain-text error response. */
export function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(`${message}\n`);
}
