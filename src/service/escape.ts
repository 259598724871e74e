/**
 * Quoting for the files a service manager reads. systemd (systemd.syntax, systemd.service):
 * `ExecStart=` words are double-quoted with C-style escapes, `%` is a specifier (`%%`),
 * `$` an environment reference (`$$`); path settings take the rest of the line as is
 * (trailing whitespace stripped, a trailing `\` continues the line), and
 * `EnvironmentFile=` is also glob-expanded. launchd reads XML. A value no escaping can
 * carry (a control character such as a newline) is refused with a ServiceConfigError.
 */

/** A value that cannot go into a unit, plist or environment file. */
export class ServiceConfigError extends Error {
  override name = 'ServiceConfigError';
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkValue(what: string, value: string): void {
  if (CONTROL.test(value)) {
    throw new ServiceConfigError(`${what} ${JSON.stringify(value)} holds a control character (newline, tab, …), which a service file cannot carry`);
  }
}

function checkPath(what: string, path: string): void {
  checkValue(what, path);
  if (!path.startsWith('/')) throw new ServiceConfigError(`${what} ${JSON.stringify(path)} is not an absolute path`);
  if (/[\s\\]$/.test(path))
    throw new ServiceConfigError(`${what} ${JSON.stringify(path)} ends in whitespace or a backslash, which systemd would strip or read as a continued line`);
}

/** One word of `ExecStart=`: bare when it is plainly safe, else double-quoted and escaped. */
export function systemdExecWord(what: string, value: string): string {
  checkValue(what, value);
  if (/^[A-Za-z0-9_@+=:,./-]+$/.test(value)) return value;
  const escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return `"${escaped}"`;
}

/** A path setting (`WorkingDirectory=`, `StandardOutput=append:`): specifiers escaped, the rest literal. */
export function systemdPath(what: string, path: string): string {
  checkPath(what, path);
  return path.replace(/%/g, '%%');
}

/** `EnvironmentFile=`: like a path, and glob characters escaped too (systemd globs this setting). */
export function systemdGlobPath(what: string, path: string): string {
  checkPath(what, path);
  return path.replace(/[\\*?[\]]/g, '\\$&').replace(/%/g, '%%');
}

/** Text content of an XML element. */
export function xmlText(what: string, value: string): string {
  checkValue(what, value);
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
