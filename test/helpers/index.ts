/** Everything the tests share: temp dirs, fixtures and CODEX_HOMEs, the CLI runner, HTTP mocks, waiting. */
export * from './temp.js';
export * from './fixtures.js';
export * from './cli.js';
export * from './http.js';
export * from './wait.js';
