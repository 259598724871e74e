/**
 * URLs without their secrets, wherever one is stored or shown (a git remote on the root
 * span; an OTLP endpoint in `status`, `doctor` and logs): userinfo dropped, and the values
 * of query parameters named like credentials (`?access_token=…`, `&api_key=…`,
 * `X-Amz-Signature=…`) replaced by `***`. Pure string work: no URL parsing that could
 * throw or normalise the rest.
 */

const SECRET_PARAM =
  /^(?:.*[_-])?(?:access[_-]?token|token|api[_-]?key|apikey|key|secret|password|passwd|pwd|auth|authorization|sig|signature|credential|credentials|session|code|x-amz-security-token|x-amz-signature|x-goog-signature)$/i;

/**
 * A git remote URL without credentials: `https://user:token@host/x` → `https://host/x`;
 * scp-style remotes (`git@host:org/repo`) and ssh user names are kept.
 */
export function stripUrlCredentials(url: string): string {
  return maskQuery(stripUserinfo(url));
}

function stripUserinfo(url: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#@\s]*)@/.exec(url);
  if (m === null) return url;
  const scheme = (m[1] ?? '').toLowerCase();
  const userinfo = m[2] ?? '';
  const rest = url.slice(m[0].length);
  if (scheme.startsWith('ssh') || scheme.startsWith('git+ssh')) {
    const user = userinfo.split(':')[0] ?? '';
    return user === '' ? `${m[1]}${rest}` : `${m[1]}${user}@${rest}`;
  }
  return `${m[1]}${rest}`;
}

function maskQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const masked = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name);
      } catch {
        // a malformed escape: judge the name as written
      }
      return SECRET_PARAM.test(name) && eq < pair.length - 1 ? `${pair.slice(0, eq)}=***` : pair;
    })
    .join('&');
  return url.slice(0, q + 1) + masked + (hash < 0 ? '' : url.slice(hash));
}

/** An endpoint as it may be shown: userinfo and secret query values masked (`https://***@host/x?api_key=***`). */
export function maskUrl(url: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#@\s]*@/.exec(url);
  const noUser = m === null ? url : `${m[1]}***@${url.slice(m[0].length)}`;
  return maskQuery(noUser);
}
