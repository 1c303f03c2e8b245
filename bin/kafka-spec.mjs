#!/usr/bin/env node
// Entry point for the kafka-spec CLI: runs the compiled JavaScript under dist/ (`npm run build`,
// which `npm install` runs through the prepare script). Without it, says so on one line, exit 2.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
let cli;
try {
  cli = await import(entry.href);
} catch (e) {
  const built = existsSync(entry);
  console.error(built ? `kafka-spec: internal error: ${e instanceof Error ? e.message : String(e)}` : 'kafka-spec: not built; run npm run build');
  process.exitCode = built ? 3 : 2;
}
await cli?.run();
