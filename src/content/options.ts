/**
 * Content policy applied by the reducer before any text leaves it: redaction of
 * secrets, truncation of long fields, or no content at all (`--content none`).
 * Pure: no I/O.
 */
export interface ContentOptions {
  /** 'full' keeps (redacted, truncated) content; 'none' keeps structure, timing and usage only */
  mode: 'full' | 'none';
  /** longest field kept, in UTF-8 bytes; longer ones are cut with a marker */
  maxFieldBytes: number;
  /** redaction on (default) or off */
  redact: boolean;
  /** extra redaction rules (`--redact-pattern`) */
  extraPatterns: readonly RegExp[];
  /** LLM span input: what is new since the previous call (default) or the whole history */
  llmInput: 'new' | 'full';
}

export const DEFAULT_CONTENT: ContentOptions = {
  mode: 'full',
  maxFieldBytes: 16 * 1024,
  redact: true,
  extraPatterns: [],
  llmInput: 'new',
};
