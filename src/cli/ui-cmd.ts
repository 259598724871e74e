/** `codex-tracer ui`: the local viewer over the store, until SIGINT/SIGTERM. */
import { spawn } from 'node:child_process';
import { addCost, addPrice, emptyCost, formatCost } from '../pricing/cost.js';
import { priceCall } from '../pricing/price.js';
import { dbPathIn, resolveStateDir, type TraceStore } from '../store/index.js';
import type { TraceCosts } from '../ui/view/paths.js';
import { DEFAULT_PORT, startUiServer } from '../ui/server/server.js';
import { UsageError, type CommandContext } from './context.js';
import { callCostText, rowUsage } from './cost-view.js';
import { sessionCosts } from './session-cost.js';

export interface UiFlags {
  stateDir?: string;
  port?: string;
  open?: boolean;
}

function openBrowser(url: string, ctx: CommandContext): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', (err) => ctx.log.warn('could not open a browser', { reason: err.message, url }));
    child.unref();
  } catch (err) {
    ctx.log.warn('could not open a browser', { reason: (err as Error).message, url });
  }
}

/** The viewer's prices: each session's model calls priced by the cost module, as `sessions` shows them. */
export function costTexts(store: Parameters<typeof sessionCosts>[0], rows: readonly { traceId: string }[]): Map<string, string> {
  return new Map([...sessionCosts(store, rows)].map(([id, c]) => [id, c.costText]));
}

/** The viewer's trace prices: every model call priced from the stored usage, as `sessionCosts` prices the list. */
export function traceCostTexts(store: TraceStore, traceId: string): TraceCosts {
  const total = emptyCost();
  const spans: Record<string, string> = {};
  for (const r of store.llmCalls({ traceIds: [traceId] })) {
    const one = emptyCost();
    addPrice(one, priceCall(rowUsage(r)));
    addCost(total, one);
    spans[r.spanId] = callCostText(one);
  }
  return { total: Object.keys(spans).length === 0 ? null : formatCost(total), spans };
}

export async function uiCommand(ctx: CommandContext, flags: UiFlags): Promise<number> {
  const port = flags.port === undefined ? DEFAULT_PORT : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a port number (0 for any free port)');
  const dbFile = dbPathIn(resolveStateDir(flags.stateDir, ctx.env));
  const ui = await startUiServer({
    dbFile,
    port,
    costOf: costTexts,
    traceCostOf: traceCostTexts,
    onError: (err) => ctx.log.error('viewer request failed', { reason: err instanceof Error ? err.message : String(err) }),
  });
  if (ui.port !== port && port !== 0) ctx.log.info('preferred port in use; using another', { preferred: port, port: ui.port });
  ctx.stdout.write(`${ui.url}\n`);
  ctx.log.info('viewer running (Ctrl-C to stop)', { url: ui.url, store: dbFile });
  if (flags.open === true) openBrowser(ui.url, ctx);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await ui.close();
  return 0;
}
