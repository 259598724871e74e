/**
 * `export --format html`: one file with the viewer's own style sheet and code inlined and the
 * trace embedded as JSON; its Content-Security-Policy forbids loading anything from anywhere.
 */
import type { Span } from '../../trace/span.js';
import type { TraceCosts } from '../view/paths.js';
import { CSS, FAVICON_SVG } from '../shell.js';
import { distRoot } from '../server/assets.js';
import { bundleModules } from './bundle.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** JSON that is safe inside a <script> element (no `</script>`, no `<!--`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

export function exportHtml(traceId: string, spans: readonly Span[], title: string, costs?: TraceCosts): string {
  const icon = `data:image/svg+xml,${encodeURIComponent(FAVICON_SVG)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="codex-tracer export">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="${icon}">
<style>${CSS}</style>
</head>
<body><div id="app"></div>
<script type="application/json" id="ct-data">${scriptJson({ traceId, spans, ...(costs === undefined ? {} : { costs }) })}</script>
<script type="module">
${bundleModules('ui/web/app.js', distRoot())}
</script>
</body>
</html>
`;
}
