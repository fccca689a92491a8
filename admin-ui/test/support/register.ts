/** Mocha `import`s this before loading specs: `.vue` and `.css` imports then work (see vue-hooks.ts). */
import { register } from 'node:module';

register('./vue-hooks.ts', import.meta.url);
