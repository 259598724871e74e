/**
 * The layering, checked on the source: the run-time import graph of src/ (type-only
 * imports vanish when compiled, so they do not count) has no cycle, the pipeline never
 * imports the CLI, and no file sits at src/ root. eslint fences the same rules per file
 * (eslint.config.js); this test sees the whole graph.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** True when the declaration is erased at run time: `import type`, or only `type` specifiers. */
function typeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isImportDeclaration(node)) {
    const c = node.importClause;
    if (!c) return false; // `import './x.js'`: a side effect
    if (c.isTypeOnly) return true;
    if (c.name) return false;
    const b = c.namedBindings;
    return b !== undefined && ts.isNamedImports(b) && b.elements.length > 0 && b.elements.every((e) => e.isTypeOnly);
  }
  if (node.isTypeOnly) return true;
  const c = node.exportClause;
  return c !== undefined && ts.isNamedExports(c) && c.elements.length > 0 && c.elements.every((e) => e.isTypeOnly);
}

/** Relative imports of one file (run-time only, or type-only too), resolved to files of src/. */
function imports(file: string, known: Set<string>, withTypes = false): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) && !ts.isExportDeclaration(st)) continue;
    const spec = st.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.') || (!withTypes && typeOnly(st))) continue;
    const base = resolve(dirname(file), spec.text).replace(/\.js$/, '');
    const target = [`${base}.ts`, join(base, 'index.ts')].find((c) => known.has(c));
    if (target) out.push(target);
  }
  return out;
}

/** Strongly connected groups of more than one file (Tarjan), plus files that import themselves. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(group.map((f) => relative(SRC, f)).sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const files = sourceFiles(SRC);
const known = new Set(files);
const graph = new Map(files.map((f) => [f, imports(f, known)]));
const rel = (f: string): string => relative(SRC, f);

/** What each folder may import (docs/architecture.md), type-only imports included: the knowledge a folder has. */
const MAY_IMPORT: Record<string, string[]> = {
  source: [],
  content: [],
  rollout: ['trace'],
  trace: ['content'],
  store: ['trace'],
  pricing: ['trace'],
  service: [],
  sinks: ['trace', 'store', 'content', 'pricing'],
  pipeline: ['source', 'rollout', 'trace', 'store', 'sinks', 'content'],
  ui: ['trace', 'store', 'sinks'],
  cli: ['source', 'rollout', 'trace', 'store', 'sinks', 'content', 'pricing', 'service', 'pipeline', 'ui'],
};

const folderOf = (f: string): string => rel(f).split('/')[0] as string;

describe('the layering of src/', () => {
  it('imports across folders only as docs/architecture.md says', () => {
    const wrong: string[] = [];
    for (const f of files) {
      const from = folderOf(f);
      for (const t of imports(f, known, true)) {
        const to = folderOf(t);
        if (to !== from && !(MAY_IMPORT[from] ?? []).includes(to)) wrong.push(`${rel(f)} -> ${rel(t)}`);
      }
    }
    expect(Object.keys(MAY_IMPORT).sort()).toEqual([...new Set(files.map(folderOf))].sort());
    expect(wrong).toEqual([]);
  });

  it('reads a real graph (the check itself works)', () => {
    expect(files.length).toBeGreaterThan(50);
    const cli = graph.get(join(SRC, 'cli', 'index.ts')) ?? [];
    expect(cli.map(rel)).toContain('cli/context.ts');
    // `import type` is no edge: the sink interface only names the store's cursor type
    expect((graph.get(join(SRC, 'sinks', 'sink.ts')) ?? []).map(rel)).not.toContain('store/cursors.ts');
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('never imports the CLI from the pipeline', () => {
    const up = [...graph].flatMap(([f, ts2]) =>
      ts2.filter((t) => rel(f).startsWith('pipeline/') && rel(t).startsWith('cli/')).map((t) => `${rel(f)} -> ${rel(t)}`),
    );
    expect(up).toEqual([]);
  });

  it('has no file at src/ root: every file lives in the folder of its subsystem', () => {
    expect(files.map(rel).filter((r) => !r.includes('/'))).toEqual([]);
  });
});
