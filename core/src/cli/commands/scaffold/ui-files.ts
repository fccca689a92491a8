import type { ScaffoldNames } from '../plugin-scaffold.ts';

/** ui/src/index.ts (defineUiPlugin) and a .vue tab on billing's client page; built by `mpanel plugin:build`. */
export function scaffoldUiFiles({ id, name }: ScaffoldNames): Record<string, string> {
  return {
    'ui/src/index.ts': `// The browser side, built by \`npm run build\` (mpanel plugin:build) into ui/dist/index.js. vue and
// @mpanel/sdk/ui stay bare imports that the host page's import map resolves: nothing is bundled twice.
import { defineUiPlugin } from '@mpanel/sdk/ui';
import { setHost } from './host.ts';

export default defineUiPlugin({
  id: '${id}',
  setup(host) {
    setHost(host);
    if (host.area !== 'admin') return;
    // A tab in the slot billing offers on its client page (props: { clientId }), shown to users
    // holding ${id}.read, loaded lazily, inside its own error boundary. Without billing it shows nowhere.
    host.fill('billing.client.tabs', { id: 'client-notes', title: '${name}', permission: '${id}.read', component: () => import('./ClientNotes.vue') });
  },
});
`,
    'ui/src/host.ts': `import type { UiHost } from '@mpanel/sdk/ui';

/** The host this plugin was set up with: components call the API through it. */
let current: UiHost | undefined;

export function setHost(host: UiHost): void {
  current = host;
}

export function useHost(): UiHost {
  if (!current) throw new Error('${id} UI used before its setup(host) ran');
  return current;
}
`,
    'ui/src/ClientNotes.vue': `<script setup lang="ts">
/** ${name}: the notes of the client whose page this is, and a box to add one. */
import { ref, watch } from 'vue';
import { useHost } from './host.ts';

interface Note { id: string; text: string; createdAt: string }

// billing.client.tabs passes the id of the client whose page it is.
const props = defineProps<{ clientId: string }>();
const host = useHost();
const notes = ref<Note[]>([]);
const text = ref('');
const error = ref<string | null>(null);

async function load(): Promise<void> {
  try {
    notes.value = await host.api.get<Note[]>(\`/${id}/clients/\${props.clientId}/notes\`);
  } catch (err) {
    error.value = err instanceof Error ? err.message : String(err);
  }
}

async function add(): Promise<void> {
  await host.api.post(\`/${id}/clients/\${props.clientId}/notes\`, { text: text.value });
  text.value = '';
  await load();
}

watch(() => props.clientId, load, { immediate: true });
</script>

<template>
  <section data-testid="${id}-client-notes">
    <h2>${name}</h2>
    <p v-if="error" role="alert">{{ error }}</p>
    <ul>
      <li v-for="note in notes" :key="note.id">{{ note.text }}</li>
    </ul>
    <p v-if="!notes.length && !error">No notes yet.</p>
    <form v-if="host.can('${id}.write')" @submit.prevent="add">
      <label>New note <input v-model="text" required maxlength="2000"></label>
      <button type="submit">Add</button>
    </form>
  </section>
</template>
`,
  };
}
