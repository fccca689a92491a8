/**
 * `@mpanel/sdk/ui/vue`: the Vue UI kit plugins share with the host (a shared module: one instance,
 * resolved through the page's import map). Components that need Vue live here, not in
 * `@mpanel/sdk/ui`, which stays framework-free.
 */
export { PluginSlot, SLOT_OUTLET } from './plugin-slot.ts';
