/**
 * The viewer's files: the page shell, its style sheet, and the browser modules compiled by
 * `tsc -p tsconfig.web.json` into dist/ (dist/ui/web, dist/ui/view, dist/trace/span.js), bundled.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleModules } from '../export/bundle.js';
import { bootScript, CSS, FAVICON_SVG, pageHtml } from '../shell.js';
import { cspWithInline } from './security.js';

const here = dirname(fileURLToPath(import.meta.url));

/** dist/ beside this module when it runs from dist, else the project's dist/ (tests run from src). */
export function distRoot(): string {
  const candidates = [join(here, '..', '..'), join(here, '..', '..', '..', 'dist')];
  const found = candidates.find((d) => existsSync(join(d, 'ui', 'web', 'app.js')));
  if (found === undefined) throw new Error(`the viewer's browser code is not built (looked in ${candidates.join(', ')}); run npm run build`);
  return found;
}

export interface Asset {
  type: string;
  body: Buffer;
  /** a Content-Security-Policy of its own (the page's, which allows its inline code by hash) */
  csp?: string;
}

/**
 * What the server serves: `/` (the page, its style sheet and boot script inlined: it paints with
 * no other request), `/app.js` (every browser module joined into one script) and `/favicon.svg`.
 */
export class Assets {
  private readonly files = new Map<string, Asset>();

  constructor(root = distRoot()) {
    const boot = bootScript();
    this.files.set('/', { type: 'text/html; charset=utf-8', body: Buffer.from(pageHtml(boot)), csp: cspWithInline([CSS], [boot]) });
    this.files.set('/favicon.svg', { type: 'image/svg+xml', body: Buffer.from(FAVICON_SVG) });
    this.files.set('/app.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(bundleModules('ui/web/app.js', root)) });
  }

  get(path: string): Asset | undefined {
    return this.files.get(path);
  }
}
