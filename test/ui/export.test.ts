/** `export SESSION --format html|md|otlp-json`: from the store of the sample sessions, redaction applied. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceStore } from '../../src/store/index.js';
import type { Span } from '../../src/trace/span.js';
import { cli, runCleanups, testDir } from '../helpers/index.js';
import { sampleStore } from './store-fixture.js';

const FAILING = '01a213a3-43b0-7c33-af98-d4ec503cd295';
let stateDir: string;
let spans: Span[];

beforeAll(async () => {
  ({ stateDir } = await sampleStore());
  const store = TraceStore.open({ stateDir }, { readonly: true });
  spans = store.getTraceSpans(FAILING.replace(/-/g, ''));
  store.close();
});

afterAll(runCleanups);

const run = (...args: string[]) => cli(['--state-dir', stateDir, 'export', ...args]);

interface OtlpLine {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: {
      scope: { name: string };
      spans: { traceId: string; spanId: string; parentSpanId?: string; name: string; status: { code?: number }; attributes: { key: string }[] }[];
    }[];
  }[];
}

describe('export', () => {
  it('otlp-json: one ExportTraceServiceRequest per line, mapped as the OTLP sink maps', async () => {
    const r = await run(FAILING.slice(0, 13), '--format', 'otlp-json');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const req = JSON.parse(lines[0] as string) as OtlpLine;
    const rs = req.resourceSpans[0]!;
    expect(rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).toBeTruthy();
    const out = rs.scopeSpans[0]!.spans;
    expect(rs.scopeSpans[0]!.scope.name).toBe('codex-tracer');
    expect(out.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.spanId).sort());
    expect(new Set(out.map((s) => s.traceId))).toEqual(new Set([FAILING.replace(/-/g, '')]));
    const root = out.find((s) => s.parentSpanId === undefined || s.parentSpanId === '');
    expect(root?.name).toBe('invoke_agent codex');
    const tool = out.find((s) => s.name === 'execute_tool exec_command')!;
    expect(tool.status.code).toBe(2);
    expect(tool.attributes.map((a) => a.key)).toEqual(expect.arrayContaining(['gen_ai.tool.call.arguments', 'session.id', 'openinference.span.kind']));
  });

  it('md: summary table, tree and transcript, ready to paste', async () => {
    const r = await run(FAILING, '--format', 'md');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`## Codex session ${FAILING}`);
    expect(r.stdout).toContain('| failures | 1 |');
    expect(r.stdout).toContain('> Show the contents of missing.txt.');
    expect(r.stdout).toMatch(/<details><summary>✗ exec_command — cat missing\.txt/);
    expect(r.stdout).toContain('"cmd": "cat missing.txt;');
  });

  it('html: self-contained (no external URL, data embedded, strict CSP), written to --out', async () => {
    const out = join(testDir('ct-export-'), 's.html');
    const r = await run(FAILING, '--format', 'html', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toContain(`content="default-src 'none'`);
    const data = JSON.parse(/<script type="application\/json" id="ct-data">(.*?)<\/script>/s.exec(html)![1]!) as { spans: Span[] };
    expect(data.spans).toHaveLength(spans.length);
    expect(html).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('applies redaction once more: --redact-pattern and --content none reach the export', async () => {
    const red = await run(FAILING, '--format', 'md', '--redact-pattern', 'missing\\.txt');
    expect(red.code, red.stderr).toBe(0);
    expect(red.stdout).not.toContain('missing.txt');
    expect(red.stdout).toContain('[REDACTED');
    const none = await cli(['--state-dir', stateDir, '--content', 'none', 'export', FAILING, '--format', 'otlp-json']);
    expect(none.stdout).not.toContain('missing.txt');
    expect(none.stdout).toContain('execute_tool exec_command');
  });

  it('an unknown or ambiguous session is a usage error', async () => {
    expect((await run('ffffffff', '--format', 'md')).code).toBe(2);
    const amb = await run('01a213a3', '--format', 'md');
    expect(amb.code).toBe(2);
    expect(amb.stderr).toContain('matches');
  });
});
