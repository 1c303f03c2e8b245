#!/usr/bin/env node
// Entry point for the kafka-spec CLI: runs the TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api';
register();
const { run } = await import('../src/cli/main.ts');
run();
