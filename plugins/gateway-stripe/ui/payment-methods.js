// The portal's "Payment methods" page: the client's saved cards (default first for automatic
// charges), "Add card" with the Payment Element for a SetupIntent, set default, remove.
import { defineComponent, h, nextTick, onBeforeUnmount, onMounted, ref } from 'vue';
import Button from 'primevue/button';
import { stripeFor } from './stripe.js';

const errorText = (err) => (err instanceof Error ? err.message : String(err));
const expiry = (card) => (card.expMonth && card.expYear ? `${String(card.expMonth).padStart(2, '0')}/${card.expYear}` : '');
const brandName = (brand) => (brand ? brand[0].toUpperCase() + brand.slice(1) : 'Card');
const cardName = (card) => `${brandName(card.brand)} •••• ${card.last4 ?? '????'}`;

/** @param {import('@mpanel/sdk/ui').UiHost} host */
export function paymentMethodsPage(host) {
  return defineComponent({
    setup() {
      const cards = ref(null);
      const error = ref(null);
      const busy = ref(false);
      const pending = ref(false);
      /** The Payment Element being filled in: { stripe, elements, element, setupIntentId }. */
      const adding = ref(null);
      const elementHost = ref(null);
      /** The card whose removal waits for a second click. */
      const removing = ref(null);

      /** Whether the tenant has set Stripe up (no key: the saved cards still list, adding one is not offered). */
      const configured = ref(true);
      const load = async () => {
        const [list, config] = await Promise.all([host.api.get('/gateway-stripe/cards'), host.api.get('/gateway-stripe/config')]);
        cards.value = list;
        configured.value = Boolean(config.publishableKey);
      };
      /** Runs one action: one at a time, its failure shown on the page. */
      const run = async (action) => {
        if (busy.value) return;
        busy.value = true;
        error.value = null;
        try {
          await action();
        } catch (err) {
          error.value = errorText(err);
        } finally {
          busy.value = false;
        }
      };
      const closeElement = () => {
        adding.value?.element.destroy?.();
        adding.value = null;
      };

      /** Asks the server to save the card now (Stripe's webhook would, a little later). */
      const complete = async (setupIntentId) => {
        const answer = await host.api.post('/gateway-stripe/cards/setup/complete', { setupIntentId });
        pending.value = answer.outcome === 'pending';
        await load();
        if (answer.card) host.notify({ severity: 'success', summary: 'Card saved', detail: cardName(answer.card) });
      };

      const startAdding = () =>
        run(async () => {
          closeElement();
          const setup = await host.api.post('/gateway-stripe/cards/setup', {});
          if (!setup.publishableKey) throw new Error('Card payments are not set up yet.');
          const stripe = await stripeFor(host, setup.publishableKey);
          const elements = stripe.elements({ clientSecret: setup.clientSecret });
          const element = elements.create('payment');
          adding.value = { stripe, elements, element, setupIntentId: setup.setupIntentId };
          await nextTick();
          element.mount(elementHost.value);
        });

      const save = () =>
        run(async () => {
          const current = adding.value;
          // Cards that need a redirect (3-D Secure on some banks) come back here with ?setup_intent=.
          const result = await current.stripe.confirmSetup({ elements: current.elements, redirect: 'if_required', confirmParams: { return_url: location.href } });
          if (result.error) throw new Error(result.error.message ?? 'The card was not accepted.');
          closeElement();
          await complete(result.setupIntent?.id ?? current.setupIntentId);
        });

      const makeDefault = (card) => run(async () => {
        await host.api.post(`/gateway-stripe/cards/${card.id}/default`, {});
        await load();
      });
      const remove = (card) => run(async () => {
        await host.api.delete(`/gateway-stripe/cards/${card.id}`);
        removing.value = null;
        await load();
        host.notify({ severity: 'success', summary: 'Card removed', detail: cardName(card) });
      });

      onMounted(() => run(async () => {
        const returned = new URL(location.href).searchParams.get('setup_intent');
        if (returned) {
          history.replaceState(history.state, '', location.pathname);
          await complete(returned);
        } else await load();
      }));
      onBeforeUnmount(closeElement);

      const cardRow = (card) =>
        h('tr', { key: card.id, 'data-card': card.id }, [
          h('td', cardName(card)),
          h('td', expiry(card)),
          h('td', card.isDefault ? h('strong', { 'data-testid': 'card-default' }, 'Default') : ''),
          h('td', h('div', { class: 'mp-toolbar', style: 'margin: 0' }, removing.value === card.id
            ? [
                h('span', `Remove ${cardName(card)}?`),
                h(Button, { label: 'Yes, remove', severity: 'danger', size: 'small', loading: busy.value, onClick: () => remove(card) }),
                h(Button, { label: 'Keep', severity: 'secondary', size: 'small', text: true, onClick: () => (removing.value = null) }),
              ]
            : [
                card.isDefault ? null : h(Button, { label: 'Make default', severity: 'secondary', size: 'small', disabled: busy.value, onClick: () => makeDefault(card) }),
                h(Button, { label: 'Remove', severity: 'secondary', size: 'small', text: true, disabled: busy.value, onClick: () => (removing.value = card.id) }),
              ])),
        ]);

      const cardList = () => {
        if (cards.value === null) return error.value ? null : h('p', { role: 'status' }, 'Loading your cards…');
        if (!cards.value.length) return h('p', { 'data-testid': 'no-cards' }, 'No saved cards. Add one to pay invoices automatically.');
        return h('table', { class: 'mp-table', 'data-testid': 'cards' }, [
          h('thead', h('tr', ['Card', 'Expires', '', ''].map((label) => h('th', label)))),
          h('tbody', cards.value.map(cardRow)),
        ]);
      };

      const cardForm = () =>
        h('div', { class: 'mp-card', style: 'display: flex; flex-direction: column; gap: 12px; max-width: 420px; margin-top: 12px' }, [
          h('div', { ref: elementHost, 'data-testid': 'card-element' }),
          h('div', { class: 'mp-toolbar', style: 'margin: 0' }, [
            h(Button, { label: 'Save card', loading: busy.value, 'data-testid': 'save-card', onClick: save }),
            h(Button, { label: 'Cancel', severity: 'secondary', text: true, disabled: busy.value, onClick: closeElement }),
          ]),
        ]);

      return () =>
        h('section', { 'aria-label': 'Payment methods' }, [
          h('p', 'Your default card pays new invoices automatically when they are due.'),
          error.value ? h('div', { class: 'mp-alert', role: 'alert' }, error.value) : null,
          pending.value ? h('p', { role: 'status' }, 'Stripe is still confirming your card; it will show here shortly.') : null,
          cardList(),
          !configured.value
            ? h('p', { class: 'mp-muted', 'data-testid': 'cards-unavailable' }, 'Card payments are not set up yet.')
            : adding.value
            ? cardForm()
            : h('div', { class: 'mp-toolbar', style: 'margin-top: 12px' }, [h(Button, { label: 'Add card', loading: busy.value, 'data-testid': 'add-card', onClick: startAdding })]),
        ]);
    },
  });
}
