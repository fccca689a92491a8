// The manual gateway's browser side: a panel on the portal's (and the admin's) invoice page with
// the bank-transfer instructions for that invoice. Plain ESM loaded at run time: `vue` and
// `@mpanel/sdk/ui` resolve through the host page's import map, so there is no build step and the
// admin UI is not rebuilt to add it.
import { defineComponent, h, ref, watch } from 'vue';
import { defineUiPlugin } from '@mpanel/sdk/ui';

const VIEW = 'manual-payments.view';

/** @param {import('@mpanel/sdk/ui').UiHost} host */
function instructionsPanel(host) {
  return defineComponent({
    props: { id: { type: String, required: true }, invoice: { type: Object, default: null } },
    setup(props) {
      const state = ref({ loading: true, error: null, data: null });
      const load = async () => {
        state.value = { loading: true, error: null, data: null };
        try {
          state.value = { loading: false, error: null, data: await host.api.get(`/gateway-manual/invoices/${props.id}/instructions`) };
        } catch (err) {
          state.value = { loading: false, error: err instanceof Error ? err.message : String(err), data: null };
        }
      };
      // Again when a payment changes what is due (staff record a partial payment on the same page):
      // the instructions ask for the amount still due, never a stale one.
      watch(() => [props.id, props.invoice?.amountDue], load, { immediate: true });
      return () => {
        const { loading, error, data } = state.value;
        if (props.invoice && props.invoice.amountDue <= 0) return null; // nothing left to transfer
        if (loading) return h('p', { role: 'status' }, 'Loading payment instructions…');
        if (error) return h('p', { role: 'alert', class: 'mp-field-error' }, `Payment instructions are unavailable: ${error}`);
        return h('div', { 'data-testid': 'manual-instructions' }, [
          h('h2', { style: 'font-size: 1rem; margin: 0 0 8px' }, `How to pay: ${data.displayName}`),
          h('p', { style: 'white-space: pre-line; margin: 6px 0 0' }, data.instructions),
        ]);
      };
    },
  });
}

export default defineUiPlugin({
  id: 'gateway-manual',
  setup(host) {
    const component = instructionsPanel(host);
    const slot = host.area === 'portal' ? 'portal.invoice' : 'admin.invoice';
    // No panel title from the host: the component renders its own heading, or nothing once paid.
    host.addPanel({ id: 'instructions', slot, permission: VIEW, component });
  },
});
