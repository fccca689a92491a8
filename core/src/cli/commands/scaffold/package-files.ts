import type { ScaffoldNames } from '../plugin-scaffold.ts';

/** Versions (or `file:` tarballs) of the platform packages the new plugin builds and tests against. */
export interface ScaffoldDependencies {
  sdk?: string;
  core?: string;
}

/** What the plugin's test and UI build need from the npm registry (all support Node 20). */
const TOOLS = {
  '@types/mocha': '^10.0.10',
  '@types/node': '^20.19.0',
  '@vitejs/plugin-vue': '^6.0.0',
  knex: '^3.3.0',
  mocha: '^12.0.0',
  tsx: '^4.20.0',
  typescript: '~5.9.3',
  vite: '^8.0.0',
  vue: '^3.5.0',
};

/** package.json (scripts: build → plugin:build, dev → plugin:dev, test → mocha), .mocharc.json, tsconfig.json. */
export function scaffoldPackageFiles({ id }: ScaffoldNames, deps: ScaffoldDependencies): Record<string, string> {
  const sdk = deps.sdk ?? '0.1.0';
  const pkg = {
    name: `mpanel-plugin-${id}`,
    version: '0.1.0',
    private: true,
    type: 'module',
    license: 'MIT',
    exports: { '.': './plugin.ts' },
    files: ['plugin.ts', 'migrations/', 'ui/dist/'],
    scripts: { build: 'mpanel plugin:build', dev: 'mpanel plugin:dev', test: 'mocha' },
    peerDependencies: { '@mpanel/sdk': sdk.startsWith('file:') ? '*' : sdk },
    devDependencies: { '@mpanel/core': deps.core ?? '0.1.0', '@mpanel/sdk': sdk, ...TOOLS },
  };
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    '.mocharc.json': `${JSON.stringify({ import: ['tsx'], spec: ['test/**/*.test.ts'], timeout: 120000, exit: true }, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify({
      compilerOptions: {
        target: 'ES2023', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true,
        allowImportingTsExtensions: true, verbatimModuleSyntax: true, types: ['node', 'mocha'],
      },
      include: ['plugin.ts', 'migrations', 'test'],
    }, null, 2)}\n`,
    '.gitignore': 'node_modules/\nui/dist/\n',
  };
}
