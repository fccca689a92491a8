/**
 * `@mpanel/sdk/vite`: the build side of plugin UIs — the Vite preset, the host's shared-module list
 * (the host's own build reads it too), and the builder behind `mpanel plugin:build` / `plugin:dev`.
 * Node only; never imported by browser code.
 */
export { SHARED_MODULES, hasDefaultExport, isSharedModule } from './shared-modules.ts';
export { mpanelPlugin, type MpanelPluginOptions } from './preset.ts';
export { buildPluginUi, hasUiSources, pluginsWithUi, uiBundleMissing, uiRootOf, type BuildPluginUiOptions } from './build.ts';
