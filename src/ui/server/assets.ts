/**
 * The viewer's files: the page shell, its style sheet, and the browser modules compiled by
 * `tsc -p tsconfig.web.json` into dist/ (dist/ui/web, dist/ui/view, dist/trace/span.js).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSS, FAVICON_SVG, pageHtml } from '../shell.js';

const here = dirname(fileURLToPath(import.meta.url));

/** dist/ beside this module when it runs from dist, else the project's dist/ (tests run from src). */
export function distRoot(): string {
  const candidates = [join(here, '..', '..'), join(here, '..', '..', '..', 'dist')];
  const found = candidates.find((d) => existsSync(join(d, 'ui', 'web', 'app.js')));
  if (found === undefined) throw new Error(`the viewer's browser code is not built (looked in ${candidates.join(', ')}); run npm run build`);
  return found;
}

/** Browser modules that may be served: their URL path is their path under dist/. */
const MODULE_PATH = /^\/(ui\/(web|view)\/[a-z0-9-]+\.js|trace\/span\.js)$/;

export interface Asset {
  type: string;
  body: Buffer;
}

export class Assets {
  private readonly cache = new Map<string, Asset>();
  private readonly root: string;

  constructor(root = distRoot()) {
    this.root = root;
    this.cache.set('/', { type: 'text/html; charset=utf-8', body: Buffer.from(pageHtml()) });
    this.cache.set('/app.css', { type: 'text/css; charset=utf-8', body: Buffer.from(CSS) });
    this.cache.set('/favicon.svg', { type: 'image/svg+xml', body: Buffer.from(FAVICON_SVG) });
  }

  /** The file for a URL path, or undefined (only the shell, the style sheet and the modules exist). */
  get(path: string): Asset | undefined {
    const cached = this.cache.get(path);
    if (cached !== undefined) return cached;
    if (!MODULE_PATH.test(path)) return undefined;
    const file = join(this.root, path.slice(1));
    if (!existsSync(file)) return undefined;
    const body = readFileSync(file);
    const asset = { type: 'text/javascript; charset=utf-8', body: stripSourceMap(body) };
    this.cache.set(path, asset);
    return asset;
  }
}

/** Source maps are not served; their comment would make DevTools ask for one. */
function stripSourceMap(body: Buffer): Buffer {
  return Buffer.from(body.toString('utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
}
