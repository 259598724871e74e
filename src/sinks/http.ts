import { httpError, toSinkError } from './retry.js';

/**
 * POST a JSON body and read the JSON answer. Non-2xx becomes a SinkError (transient
 * for 408/429/5xx, with Retry-After), a network failure or timeout a transient one.
 * Error texts carry the server's answer, never the request headers.
 */
export async function postJson(sink: string, url: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw toSinkError(sink, err);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) throw httpError(sink, res.status, text, res.headers.get('retry-after'));
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
