/**
 * The viewer's files: the page shell, its style sheet, and the browser modules compiled by
 * `tsc -p tsconfig.web.json` into dist/ (dist/ui/web, dist/ui/view, dist/trace/span.js), bundled.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleModules } from '../export/bundle.js';
import { CSS, FAVICON_SVG, pageHtml } from '../shell.js';

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
}

/**
 * What the server serves: `/` (the shell), `/app.css`, `/favicon.svg` and `/app.js` (every
 * browser module joined into one script, so the page needs one request for its code).
 */
export class Assets {
  private readonly files = new Map<string, Asset>();

  constructor(root = distRoot()) {
    this.files.set('/', { type: 'text/html; charset=utf-8', body: Buffer.from(pageHtml()) });
    this.files.set('/app.css', { type: 'text/css; charset=utf-8', body: Buffer.from(CSS) });
    this.files.set('/favicon.svg', { type: 'image/svg+xml', body: Buffer.from(FAVICON_SVG) });
    this.files.set('/app.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(bundleModules('ui/web/app.js', root)) });
  }

  get(path: string): Asset | undefined {
    return this.files.get(path);
  }
}
