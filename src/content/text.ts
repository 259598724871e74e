/**
 * Text as every sink can hold it. JSON lets a rollout carry a lone UTF-16 surrogate
 * (`"\ud800"`); JavaScript keeps it, UTF-8 cannot: SQLite and the OTLP encoders turn it
 * into U+FFFD while `show FILE` printed it escaped, so the same span differed by path.
 * Replacing lone surrogates with U+FFFD here, before anything leaves the reducer, makes
 * every path agree (what `String.prototype.toWellFormed` does; not in our ES2023 lib).
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function wellFormed(text: string): string {
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\ufffd') : text;
}
