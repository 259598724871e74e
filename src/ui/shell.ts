/** The viewer's page shell and style sheet (served by `ui`, inlined by `export --format html`). */
import { FACETS_PATH, FIRST_SESSIONS_QUERY, outlinePath, sessionsPath } from './view/paths.js';

export const CSS = `
:root { --bg:#fbfbfc; --fg:#1d2330; --muted:#687083; --line:#e3e6ec; --panel:#fff; --hover:#f1f4f9; --sel:#e3ecfb;
  --accent:#2f6fde; --err:#d1373a; --err-bg:#fdecec; --hit:#fff3bf;
  --session:#7b61c9; --turn:#4b8bd6; --llm:#2ea37a; --tool:#e08b2c; --compaction:#9a8f7a; --subagent:#c2549b;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --bg:#14171d; --fg:#dde2ea; --muted:#8d96a7; --line:#2a303b; --panel:#1b1f27;
  --hover:#222836; --sel:#233552; --err-bg:#3a1f22; --hit:#4a4216; } }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
header.top { display:flex; align-items:center; gap:16px; padding:10px 18px; border-bottom:1px solid var(--line); background:var(--panel); }
header.top .brand { font-weight:650; letter-spacing:.2px; } header.top .live { margin-left:auto; color:var(--muted); font-size:12px; }
.live .dot { display:inline-block; width:7px; height:7px; border-radius:50%; background:var(--llm); margin-right:6px; }
.live.off .dot { background: var(--muted); }
main { padding: 14px 18px; }
h1 { font-size: 17px; margin: 0 0 4px; font-weight: 600; } .sub { color: var(--muted); margin-bottom: 12px; }
.filters { display:flex; flex-wrap:wrap; gap:10px; align-items:center; margin-bottom:12px; }
.filters label { color:var(--muted); display:flex; gap:6px; align-items:center; }
input, select, button { font: inherit; color: inherit; background: var(--panel); border:1px solid var(--line); border-radius:6px; padding:4px 8px; }
button { cursor:pointer; } button:hover { background: var(--hover); } button.on { background: var(--sel); border-color: var(--accent); }
table.sessions { width:100%; border-collapse: collapse; background: var(--panel); border:1px solid var(--line); border-radius:8px; }
table.sessions th { text-align:left; font-weight:600; color:var(--muted); padding:7px 10px; border-bottom:1px solid var(--line); white-space:nowrap; user-select:none; }
table.sessions th.sortable { cursor:pointer; } table.sessions th.sorted { color: var(--fg); }
table.sessions td { padding:7px 10px; border-bottom:1px solid var(--line); vertical-align: top; }
table.sessions tr.session:hover td { background: var(--hover); cursor: pointer; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.title { max-width: 340px; } td.nowrap { white-space: nowrap; } td.title .t { overflow:hidden; text-overflow:ellipsis; white-space:nowrap; display:block; }
.muted { color: var(--muted); } .small { font-size: 12px; } .mono { font-family: var(--mono); }
.err { color: var(--err); font-weight: 600; }
.chip { display:inline-block; padding:0 6px; border-radius:9px; background:var(--hover); font-size:11.5px; margin-right:4px; white-space:nowrap; }
.pager { display:flex; gap:10px; align-items:center; margin-top:10px; color:var(--muted); }
.summary { display:flex; flex-wrap:wrap; gap:8px 18px; margin: 6px 0 12px; }
.summary .k { color: var(--muted); margin-right: 4px; } .summary .v { font-weight: 600; font-variant-numeric: tabular-nums; }
.toolbar { display:flex; gap:8px; align-items:center; margin-bottom:8px; flex-wrap: wrap; }
.toolbar input[type=search] { width: 360px; }
.trace { display:flex; gap:12px; align-items: stretch; }
.wf { flex: 1 1 auto; min-width: 0; border:1px solid var(--line); border-radius:8px; background:var(--panel); display:flex; flex-direction:column; }
.axis { position:relative; height:24px; border-bottom:1px solid var(--line); display:flex; }
.axis .lab, .row .lab { flex: 0 0 44%; min-width:0; }
.axis .time, .row .time { flex: 1 1 auto; position:relative; margin-right: 12px; align-self: stretch; }
.axis .tick { position:absolute; top:5px; font-size:11px; color:var(--muted); transform: translateX(-50%); white-space:nowrap; }
.axis .gaplab { position:absolute; top:5px; font-size:10px; color:var(--muted); white-space:nowrap; overflow:hidden; }
.scroller { position:relative; overflow:auto; height: calc(100vh - 230px); min-height: 240px; }
.rows { position:relative; contain: layout style; }
.row { contain: strict; position:absolute; top:0; left:0; right:0; height:24px; display:flex; align-items:center; border-bottom:1px solid transparent; cursor:pointer; }
.row:hover { background: var(--hover); } .row.sel { background: var(--sel); } .row.hit .name { background: var(--hit); }
.row.error .name { color: var(--err); } .row.error { background: var(--err-bg); }
.lab { display:flex; align-items:center; white-space:nowrap; overflow:hidden; padding-left:6px; gap:4px; }
.gut { flex:0 0 auto; } .guides { position:absolute; top:0; left:6px; z-index:1; pointer-events:none; color:var(--line); }
.tog { width:16px; flex:0 0 16px; text-align:center; color:var(--muted); font-size:10px; }
.kind { font-size:10px; text-transform:uppercase; letter-spacing:.4px; padding:0 5px; border-radius:4px; color:#fff; flex: 0 0 auto; }
.k-session { background:var(--session); } .k-turn { background:var(--turn); } .k-llm { background:var(--llm); } .k-tool { background:var(--tool); }
.k-compaction { background:var(--compaction); } .k-subagent { background:var(--subagent); }
.name { font-weight: 500; } .detail { color: var(--muted); overflow:hidden; text-overflow: ellipsis; font-family: var(--mono); font-size: 11.5px; }
.tok { font-size:11px; color:var(--muted); font-variant-numeric: tabular-nums; border:1px solid var(--line); border-radius:9px; padding:0 6px; flex: 0 0 auto; }
.bar { position:absolute; top:7px; height:10px; border-radius:3px; min-width:2px; opacity:.9; }
.bar.b-session { background:var(--session); opacity:.35; } .bar.b-turn { background:var(--turn); opacity:.55; } .bar.b-llm { background:var(--llm); }
.bar.b-tool { background:var(--tool); } .bar.b-compaction { background:var(--compaction); } .bar.b-subagent { background:var(--subagent); opacity:.6; }
.bar.b-error { background: var(--err) !important; opacity: 1; }
.dur.before { transform: translateX(-100%); padding: 0 4px 0 0; } .dur.inside { transform: translateX(-100%); padding: 0 6px 0 0; color: var(--fg); }
.dur { position:absolute; top:5px; font-size:10.5px; color:var(--muted); white-space:nowrap; padding-left:4px; }
.gapband { position:absolute; top:0; bottom:0; background: repeating-linear-gradient(135deg, transparent 0 4px, var(--line) 4px 5px); opacity:.8; }
.overlay { position:absolute; top:0; bottom:0; left:44%; right:12px; pointer-events:none; }
.detailpane { flex: 0 0 40%; max-width: 40%; border:1px solid var(--line); border-radius:8px; background:var(--panel); padding:12px 14px; overflow:auto; height: calc(100vh - 205px); }
.detailpane h2 { font-size:15px; margin:0 0 6px; } .detailpane h3 { font-size:12px; text-transform:uppercase; color:var(--muted); letter-spacing:.5px; margin:14px 0 6px; }
pre { font-family: var(--mono); font-size: 12px; background: var(--bg); border:1px solid var(--line); border-radius:6px; padding:8px 10px; white-space: pre-wrap; word-break: break-word; margin:0; max-height: 420px; overflow:auto; }
table.kv { border-collapse: collapse; width:100%; font-size:12px; } table.kv td { border-bottom:1px solid var(--line); padding:3px 6px; vertical-align: top; }
table.kv td:first-child { color: var(--muted); white-space: nowrap; font-family: var(--mono); width: 1%; } table.kv td:last-child { font-family: var(--mono); word-break: break-all; }
.usage td.num { font-family: var(--mono); }
.transcript { max-width: 900px; }
.msg { border:1px solid var(--line); border-radius:8px; padding:10px 12px; margin: 8px 0; background: var(--panel); }
.msg .who a { text-transform: none; letter-spacing: 0; margin-left: 6px; }
.msg .who { font-size: 11px; text-transform: uppercase; letter-spacing:.5px; color: var(--muted); margin-bottom: 4px; }
.msg.user { border-left: 3px solid var(--turn); } .msg.assistant { border-left: 3px solid var(--llm); }
.msg .text { white-space: pre-wrap; line-height: 1.45; }
details.tool { border:1px solid var(--line); border-left:3px solid var(--tool); border-radius:8px; margin: 6px 0; background: var(--panel); padding: 6px 12px; }
details.tool.error { border-left-color: var(--err); } details.tool summary { cursor:pointer; font-family: var(--mono); font-size:12px; }
details.tool pre { margin-top: 6px; }
.note { color: var(--muted); font-size: 12px; margin: 6px 0 6px 4px; }
.empty { padding: 30px; text-align:center; color: var(--muted); }
`;

/**
 * The page's boot script (inline, allowed by its hash): asks for the data of the page the address
 * names — the first page of sessions and the filter choices, or a trace's outline — while the app
 * script is still loading; the app takes these responses instead of asking again (source.ts).
 */
export function bootScript(): string {
  const sessions = JSON.stringify([FACETS_PATH, sessionsPath(FIRST_SESSIONS_QUERY)]);
  const trace = JSON.stringify([outlinePath('$ID')]);
  return (
    `(()=>{const p=window.ctPrefetch={},h=location.hash,m=/^#\\/trace\\/([0-9a-f]+)(?:\\?|$)/.exec(h);` +
    `const u=m?${trace}.map((x)=>x.replace('$ID',m[1])):h===''||h==='#/'?${sessions}:[];` +
    // a failed request is reported by the page that takes it, not as an unhandled rejection
    `for(const x of u)(p[x]=fetch(x,{headers:{Accept:'application/json'}})).catch(()=>{});})();`
  );
}

/**
 * The page served at `/`: the style sheet inlined (no request before the first paint: the shell,
 * header and "Loading…", paints from the HTML itself), the boot script, and the app as one
 * `async` module script at the end of the body: compiled off the main thread while the data is
 * on its way, and run whenever it is ready — a deferred script would hold the first paint until
 * it ran (Chromium paints after DOMContentLoaded, which waits for deferred scripts). The
 * server's Content-Security-Policy allows the two inline elements by their hashes.
 */
export function pageHtml(boot: string): string {
  if (/<\/(script|style)/i.test(boot + CSS)) throw new Error('the inlined script or style sheet contains a closing tag');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>codex-tracer</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>${CSS}</style>
<script>${boot}</script>
</head>
<body><div id="app"><header class="top"><span class="brand">codex-tracer</span></header><main class="muted">Loading…</main></div>
<script type="module" async src="/app.js"></script>
</body>
</html>
`;
}

/** A small icon (a waterfall of three bars), so the browser does not ask for /favicon.ico. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="2" width="9" height="3" rx="1" fill="#7b61c9"/><rect x="4" y="7" width="8" height="3" rx="1" fill="#2ea37a"/><rect x="8" y="12" width="7" height="3" rx="1" fill="#e08b2c"/></svg>`;
