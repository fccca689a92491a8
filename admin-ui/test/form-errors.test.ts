import { useDom, mountWithApp, flushPromises } from './support/mount.ts';
import { useFetch, json } from './support/fetch.ts';
import assert from 'node:assert/strict';
import { api } from '../src/shared/api.ts';
import { useForm, FieldsForm, type FieldSpec } from '@mpanel/sdk/ui/vue';

const invalid = () => json({ error: 'Validation failed', details: { email: 'Must be an email address', 'pricing.0.amount': 'Must be at least 0' } }, 422);

describe('admin-ui forms: API validation details on the fields', () => {
  useDom();
  const server = useFetch();

  describe('useForm', () => {
    it('turns a failed call into per-field errors and a message, and is busy only while it runs', async () => {
      let release!: () => void;
      server.answer(async () => {
        await new Promise<void>((resolve) => { release = resolve; });
        return invalid();
      });
      const form = useForm();
      const pending = form.submit(() => api.post('/clients', { email: 'nope' }));
      assert.equal(form.busy.value, true);
      await flushPromises();
      release();
      assert.equal(await pending, undefined);
      assert.equal(form.busy.value, false);
      assert.equal(form.message.value, 'Validation failed');
      assert.deepEqual(form.errors.value, { email: 'Must be an email address', 'pricing.0.amount': 'Must be at least 0' });
    });

    it('clears the previous errors on the next submit and resolves the value on success', async () => {
      const form = useForm();
      server.answer(invalid);
      await form.submit(() => api.post('/clients', {}));
      server.answer(() => json({ data: { id: 'c1' } }, 201));
      assert.deepEqual(await form.submit(() => api.post('/clients', {})), { id: 'c1' });
      assert.deepEqual(form.errors.value, {});
      assert.equal(form.message.value, null);
    });

    it('a failure that is not the API\'s (network) gives a message but no field errors', async () => {
      const form = useForm();
      server.answer(() => { throw new TypeError('Failed to fetch'); });
      await form.submit(() => api.get('/clients/1'));
      assert.equal(form.message.value, 'Failed to fetch');
      assert.deepEqual(form.errors.value, {});
    });
  });

  describe('FieldsForm + FormField', () => {
    const fields: FieldSpec[] = [
      { name: 'name', label: 'Name' },
      { name: 'email', label: 'Email', type: 'email', hint: 'Invoices go here' },
      { name: 'price', label: 'Price', type: 'number', errorKeys: ['pricing.0.amount'] },
    ];
    const mountCreate = () => mountWithApp(FieldsForm, { props: { id: 'client', fields, onSubmit: (values: Record<string, string | boolean>) => api.post('/clients', values) } });

    it('posts the typed values and shows each message from `details` on its field (also by errorKeys), with the general error above', async () => {
      server.answer(invalid);
      const w = await mountCreate();
      await w.get('#client-name').setValue('Acme');
      await w.get('#client-email').setValue('nope');
      await w.get('#client-price').setValue('-1');
      await w.get('form').trigger('submit');
      await flushPromises();

      assert.deepEqual(server.calls.map((c) => [c.method, c.url.pathname, c.body]), [['POST', '/api/v1/clients', { name: 'Acme', email: 'nope', price: '-1' }]]);
      assert.equal(w.get('[role="alert"]').text(), 'Validation failed');
      assert.equal(w.get('#client-email-error').text(), 'Must be an email address');
      assert.equal(w.get('#client-price-error').text(), 'Must be at least 0');
      assert.equal(w.find('#client-name-error').exists(), false);
      const email = w.get('#client-email');
      assert.equal(email.attributes('aria-invalid'), 'true');
      assert.equal(email.attributes('aria-describedby'), 'client-email-error client-email-hint');
      assert.equal(w.get('#client-name').attributes('aria-invalid'), 'false');
      assert.equal(w.emitted('done'), undefined);
    });

    it('on success clears the messages and emits done with the created record', async () => {
      server.answer(invalid);
      const w = await mountCreate();
      await w.get('form').trigger('submit');
      await flushPromises();
      assert.ok(w.find('#client-email-error').exists());
      server.answer(() => json({ data: { id: 'c9', name: 'Acme' } }, 201));
      await w.get('form').trigger('submit');
      await flushPromises();
      assert.equal(w.find('#client-email-error').exists(), false);
      assert.equal(w.find('[role="alert"]').exists(), false);
      assert.equal(w.get('#client-email').attributes('aria-describedby'), 'client-email-hint');
      assert.deepEqual(w.emitted('done'), [[{ id: 'c9', name: 'Acme' }]]);
    });
  });
});
