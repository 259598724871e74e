/**
 * Asking a backend whether it is there and speaks its protocol: `doctor`'s checks, and the
 * sink monitor's question when an export hangs (the OTLP exporter retries inside a call for
 * up to its timeout before it says anything).
 */
import { maskUrl } from '../content/url.js';
import type { OtlpConfig } from '../sinks/index.js';

export interface ProbeResult {
  ok: boolean;
  detail: string;
}

/** The reason a request did not get an answer: `ECONNREFUSED`, `ENOTFOUND`, a timeout. */
export function networkCause(err: unknown): string {
  const c = (err as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  if ((err as Error).name === 'TimeoutError') return 'no answer in time';
  return c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (err as Error).message;
}

/** One request; what is shown of the URL has no credentials in it. */
export async function probeHttp(target: string, init: RequestInit, timeoutMs = 5000): Promise<{ res?: Response; body: string; detail?: string }> {
  const url = maskUrl(target);
  try {
    const res = await fetch(target, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text().catch(() => '');
    return { res, body };
  } catch (err) {
    return { body: '', detail: `${url} is not reachable (${networkCause(err).split(target).join(url)})` };
  }
}

/** A status that is not 2xx is a failed check; 401/403 say what to fix. */
export function httpVerdict(target: string, res: Response): ProbeResult | undefined {
  const url = maskUrl(target);
  if (res.status === 401 || res.status === 403) return { ok: false, detail: `${url} answered HTTP ${res.status}: check the credentials` };
  if (res.status < 200 || res.status >= 300) return { ok: false, detail: `${url} answered HTTP ${res.status} ${res.statusText}`.trimEnd() };
  return undefined;
}

/**
 * An empty export request is valid OTLP: a backend accepts it (2xx) and stores nothing. Its
 * answer is OTLP when it comes back in the request's encoding (or empty); a web page, a 415
 * (wrong encoding), a 404 (wrong path) are not.
 */
export async function probeOtlp(c: Pick<OtlpConfig, 'url' | 'protocol' | 'headers'>, timeoutMs = 5000): Promise<ProbeResult> {
  const json = c.protocol === 'http/json';
  const want = json ? 'application/json' : 'application/x-protobuf';
  const r = await probeHttp(c.url, { method: 'POST', headers: { ...c.headers, 'content-type': want }, body: json ? '{}' : new Uint8Array(0) }, timeoutMs);
  const url = maskUrl(c.url);
  if (!r.res) return { ok: false, detail: r.detail ?? `${url} is not reachable` };
  const bad = httpVerdict(c.url, r.res);
  if (bad) return bad;
  const type = (r.res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const otlpAnswer = type === want || (r.body.length === 0 && (type === '' || type === want)) || (json && type === 'application/json');
  if (!otlpAnswer)
    return {
      ok: false,
      detail: `${url} answered HTTP ${r.res.status} with ${type || 'no content type'}, not an OTLP response: is this the OTLP/HTTP traces endpoint?`,
    };
  return { ok: true, detail: `${url} accepted an empty OTLP ${c.protocol} export (HTTP ${r.res.status})` };
}
