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

/** Relative run-time imports of one file, resolved to files of src/. */
function runtimeImports(file: string, known: Set<string>): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) && !ts.isExportDeclaration(st)) continue;
    const spec = st.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.') || typeOnly(st)) continue;
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

/**
 * The two circles between machines that the machine restructuring of issue 10 (branch
 * `machines`) removes; once it is merged this list is empty. Nothing may join it.
 */
const KNOWN_CYCLES: string[][] = [
  ['trace/machines/compaction.ts', 'trace/machines/model-call.ts'],
  ['trace/machines/tool-call.ts', 'trace/machines/turn.ts'],
];

const files = sourceFiles(SRC);
const known = new Set(files);
const graph = new Map(files.map((f) => [f, runtimeImports(f, known)]));
const rel = (f: string): string => relative(SRC, f);

describe('the layering of src/', () => {
  it('reads a real graph (the check itself works)', () => {
    expect(files.length).toBeGreaterThan(50);
    const cli = graph.get(join(SRC, 'cli', 'index.ts')) ?? [];
    expect(cli.map(rel)).toContain('cli/context.ts');
    // `import type` is no edge: the sink interface only names the store's cursor type
    expect((graph.get(join(SRC, 'sinks', 'sink.ts')) ?? []).map(rel)).not.toContain('store/cursors.ts');
  });

  it('has no import cycle', () => {
    expect(cycles(graph).filter((c) => !KNOWN_CYCLES.some((k) => k.join() === c.join()))).toEqual([]);
  });

  it('never imports the CLI from the pipeline', () => {
    const up = [...graph].flatMap(([f, ts2]) => ts2.filter((t) => rel(f).startsWith('pipeline/') && rel(t).startsWith('cli/')).map((t) => `${rel(f)} -> ${rel(t)}`));
    expect(up).toEqual([]);
  });

  it('has no file at src/ root: every file lives in the folder of its subsystem', () => {
    expect(files.map(rel).filter((r) => !r.includes('/'))).toEqual([]);
  });
});
