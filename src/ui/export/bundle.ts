/**
 * The viewer's browser modules (as compiled into dist/) joined into one script (served as
 * /app.js, inlined in the exported HTML file): each module becomes a function scope returning its exports, and each
 * `import { a, b as c } from './x.js'` becomes `const { a, b: c } = <module x>`. Our own modules
 * only use named imports and exported declarations; anything else is refused.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const IMPORT = /^import\s*\{([^}]*)\}\s*from\s*'(\.{1,2}\/[^']+\.js)';\s*$/gm;
const EXPORT_DECL = /^export\s+((?:async\s+)?function\*?|class|const|let)\s+([A-Za-z_$][\w$]*)/gm;

function varName(path: string, root: string): string {
  return `__m_${relative(root, path).replace(/[^A-Za-z0-9]/g, '_')}`;
}

function bindings(list: string): string {
  return list
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .map((x) => x.replace(/\s+as\s+/, ': '))
    .join(', ');
}

/** One module's code in its own scope; its imports read from modules already defined above it. */
function wrap(code: string, path: string, root: string, deps: string[]): string {
  const exports: string[] = [];
  let body = code.replace(IMPORT, (_m, list: string, spec: string) => {
    const dep = resolve(dirname(path), spec);
    deps.push(dep);
    return `const { ${bindings(list)} } = ${varName(dep, root)};`;
  });
  body = body.replace(EXPORT_DECL, (_m, kw: string, name: string) => {
    exports.push(name);
    return `${kw} ${name}`;
  });
  body = body.replace(/^\/\/# sourceMappingURL=.*$/gm, '');
  if (/^\s*(import|export)\b/m.test(body)) throw new Error(`${relative(root, path)}: an import or export form the bundler does not handle`);
  return `const ${varName(path, root)} = (() => {\n${body}\nreturn { ${exports.join(', ')} };\n})();\n`;
}

/** The entry module and everything it imports, dependencies first, as one script. */
export function bundleModules(entry: string, root: string): string {
  const done = new Map<string, string>();
  const order: string[] = [];
  const visit = (path: string, stack: string[]): void => {
    if (done.has(path)) return;
    if (stack.includes(path)) throw new Error(`import cycle: ${[...stack, path].map((p) => relative(root, p)).join(' -> ')}`);
    const deps: string[] = [];
    const wrapped = wrap(readFileSync(path, 'utf8'), path, root, deps);
    for (const d of deps) visit(d, [...stack, path]);
    done.set(path, wrapped);
    order.push(path);
  };
  visit(join(root, entry), []);
  return order.map((p) => done.get(p) as string).join('\n');
}
