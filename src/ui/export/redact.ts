/**
 * What leaves the machine in an export goes through the content policy once more (redaction
 * with any `--redact-pattern`, truncation, `--content none`), whatever it was traced with.
 */
import { ATTR, type Attributes, type Span } from '../../trace/span.js';
import type { ContentFilter } from '../../trace/state.js';

const CONTENT_ATTRIBUTES: readonly string[] = [ATTR.input, ATTR.output, ATTR.command];

export function filterSpanContent(span: Span, filter: ContentFilter): Span {
  const attributes: Attributes = {};
  for (const [k, v] of Object.entries(span.attributes)) {
    if (typeof v === 'string' && CONTENT_ATTRIBUTES.includes(k)) {
      const out = filter(v);
      if (out !== undefined) attributes[k] = out;
    } else attributes[k] = v;
  }
  const out: Span = { ...span, attributes };
  if (span.statusMessage !== undefined) {
    const msg = filter(span.statusMessage);
    if (msg === undefined) delete out.statusMessage;
    else out.statusMessage = msg;
  }
  return out;
}
