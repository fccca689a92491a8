#!/usr/bin/env node
// mPanel runs its TypeScript through tsx: no build step between a clone and a running panel.
import { register } from 'tsx/esm/api';

register();
await import('../core/src/cli/main.ts');
