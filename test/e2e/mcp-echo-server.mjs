#!/usr/bin/env node
// A tiny MCP server on stdio (newline-delimited JSON-RPC 2.0) for the e2e harness: Codex
// starts it from the isolated CODEX_HOME's config.toml (`[mcp_servers.echo]`). Two tools:
// `say` answers `echo: <text>`, `fail` answers with `isError: true`.
import { createInterface } from 'node:readline';

const TOOLS = [
  {
    name: 'say',
    description: 'Echo the given text back.',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  },
  {
    name: 'fail',
    description: 'Always fails (for tests).',
    inputSchema: { type: 'object', properties: { reason: { type: 'string' } } },
  },
];

function send(message) {
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
}

function callTool(params) {
  const args = params?.arguments ?? {};
  if (params?.name === 'say') return { content: [{ type: 'text', text: `echo: ${String(args.text ?? '')}` }], isError: false };
  if (params?.name === 'fail') return { content: [{ type: 'text', text: `failed: ${String(args.reason ?? 'no reason')}` }], isError: true };
  return undefined;
}

function answer(req) {
  switch (req.method) {
    case 'initialize':
      return {
        result: {
          protocolVersion: req.params?.protocolVersion ?? '2025-06-18',
          capabilities: { tools: { listChanged: false } },
          serverInfo: { name: 'echo', version: '1.0.0' },
        },
      };
    case 'ping':
      return { result: {} };
    case 'tools/list':
      return { result: { tools: TOOLS } };
    case 'tools/call': {
      const result = callTool(req.params);
      return result ? { result } : { error: { code: -32602, message: `unknown tool ${String(req.params?.name)}` } };
    }
    case 'resources/list':
      return { result: { resources: [] } };
    case 'resources/templates/list':
      return { result: { resourceTemplates: [] } };
    case 'prompts/list':
      return { result: { prompts: [] } };
    default:
      return { error: { code: -32601, message: `method not found: ${String(req.method)}` } };
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let req;
  try {
    req = JSON.parse(line);
  } catch {
    return;
  }
  // notifications (no id) need no answer
  if (req === null || typeof req !== 'object' || req.id === undefined || req.id === null) return;
  send({ id: req.id, ...answer(req) });
});
