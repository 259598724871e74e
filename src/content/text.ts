/**
 * Text as every sink can hold it. JSON lets a rollout carry a lone UTF-16 surrogate
 * (`"\ud800"`); JavaScript keeps it, UTF-8 cannot: SQLite and the OTLP encoders turn it
 * into U+FFFD while `show FILE` printed it escaped, so the same span differed by path.
 * Replacing lone surrogates with U+FFFD here, before anything leaves the reducer, makes
 * every path agree: `String.prototype.toWellFormed` (Node 20 has it; our ES2023 lib does not
 * type it), checked first with the native `isWellFormed`, several times faster than a regex.
 */
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

export function wellFormed(text: string): string {
  const s = text as unknown as WellFormedString;
  return s.isWellFormed() ? text : s.toWellFormed();
}
