#!/usr/bin/env node
// Like bin/mpanel.js: TypeScript through tsx, no build step on the hosting server either.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
