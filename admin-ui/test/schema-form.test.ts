import { useDom, mountWithApp } from './support/mount.ts';
import assert from 'node:assert/strict';
import { SchemaForm, type SettingsSchema } from '@mpanel/sdk/ui/vue';

/** A payment gateway's settings, the kind of schema a plugin manifest declares. */
const schema: SettingsSchema = {
  type: 'object',
  required: ['publishableKey', 'mode'],
  properties: {
    publishableKey: { type: 'string', title: 'Publishable key' },
    secretKey: { type: 'string', title: 'Secret key', secret: true, description: 'From the dashboard' },
    mode: { type: 'string', title: 'Mode', enum: ['test', 'live'], default: 'test' },
    retries: { type: 'integer', title: 'Retries', default: 3 },
    fee: { type: ['number', 'null'], title: 'Fee' },
    statementName: { type: 'string' },
    capture: { type: 'boolean', title: 'Capture at once' },
  },
};

describe('admin-ui SchemaForm', () => {
  useDom();

  async function mountForm(props: Partial<InstanceType<typeof SchemaForm>['$props']> = {}) {
    return mountWithApp(SchemaForm, { props: { schema, values: {}, errors: {}, idPrefix: 'stripe', ...props } });
  }
  const input = (w: Awaited<ReturnType<typeof mountForm>>, name: string) => w.get(`#stripe-${name}`).element as HTMLInputElement;
  const label = (w: Awaited<ReturnType<typeof mountForm>>, name: string) => w.get(`label[for="stripe-${name}"]`).text();

  it('renders a labelled control per property, by type, marking the required ones', async () => {
    const w = await mountForm();
    assert.equal(label(w, 'publishableKey'), 'Publishable key (required)');
    assert.equal(label(w, 'mode'), 'Mode (required)');
    assert.equal(label(w, 'retries'), 'Retries');
    assert.equal(label(w, 'statementName'), 'statementName', 'no title: the property name');
    assert.equal(input(w, 'publishableKey').type, 'text');
    assert.equal(input(w, 'retries').type, 'number');
    assert.equal(input(w, 'fee').type, 'number', 'a nullable number is a number');
    assert.equal(input(w, 'capture').type, 'checkbox');
    const mode = w.get('#stripe-mode');
    assert.equal(mode.element.tagName, 'SELECT');
    assert.deepEqual(mode.findAll('option').map((o) => o.text()), ['test', 'live']);
  });

  it('fills the stored values, else the schema defaults', async () => {
    const w = await mountForm({ values: { publishableKey: 'pk_live_1', mode: 'live', capture: true } });
    assert.equal(input(w, 'publishableKey').value, 'pk_live_1');
    assert.equal((w.get('#stripe-mode').element as HTMLSelectElement).value, 'live');
    assert.equal(input(w, 'retries').value, '3');
    assert.equal(input(w, 'capture').checked, true);
  });

  it('never shows a secret: the field is an empty password with a "stored" hint when one is set', async () => {
    const w = await mountForm({ values: { secretKey: '••••••' }, secrets: { secretKey: true } });
    const secret = input(w, 'secretKey');
    assert.equal(secret.type, 'password');
    assert.equal(secret.value, '');
    assert.equal(secret.getAttribute('autocomplete'), 'new-password');
    assert.equal(w.get('#stripe-secretKey-hint').text(), 'A value is stored; leave empty to keep it');
    await w.setProps({ secrets: {} });
    assert.equal(w.get('#stripe-secretKey-hint').text(), 'From the dashboard');
  });

  it('collects numbers as numbers, keeps an untouched secret out (the stored one stays) and drops empty optional text', async () => {
    const w = await mountForm({ values: { publishableKey: 'pk_1', secretKey: '••••' }, secrets: { secretKey: true } });
    await w.get('#stripe-retries').setValue('5');
    await w.get('#stripe-fee').setValue('2.5');
    assert.deepEqual(w.vm.collect(), { publishableKey: 'pk_1', mode: 'test', retries: 5, fee: 2.5, capture: false });
    await w.get('#stripe-secretKey').setValue('sk_live_new');
    await w.get('#stripe-mode').setValue('live');
    await w.get('#stripe-capture').setValue(true);
    await w.get('#stripe-statementName').setValue('ACME');
    assert.deepEqual(w.vm.collect(), { publishableKey: 'pk_1', secretKey: 'sk_live_new', mode: 'live', retries: 5, fee: 2.5, statementName: 'ACME', capture: true });
  });

  it('keeps a required secret that was left empty out too: the stored one is not overwritten', async () => {
    const w = await mountForm({ schema: { ...schema, required: ['secretKey'] }, values: { secretKey: '••••' }, secrets: { secretKey: true } });
    assert.equal(label(w, 'secretKey'), 'Secret key (required)');
    assert.equal('secretKey' in w.vm.collect(), false);
  });

  it('sends a required text even when empty, so the API can say it is required', async () => {
    const w = await mountForm();
    assert.equal(w.vm.collect().publishableKey, '');
  });

  it('shows the API\'s message on its field, tied to the control', async () => {
    const w = await mountForm({ errors: { retries: 'must be <= 10', secretKey: 'must start with sk_' } });
    assert.equal(w.get('#stripe-retries-error').text(), 'must be <= 10');
    assert.equal(input(w, 'retries').getAttribute('aria-invalid'), 'true');
    assert.equal(input(w, 'retries').getAttribute('aria-describedby'), 'stripe-retries-error');
    assert.equal(input(w, 'secretKey').getAttribute('aria-describedby'), 'stripe-secretKey-error stripe-secretKey-hint');
    assert.equal(w.find('#stripe-publishableKey-error').exists(), false);
    assert.notEqual(input(w, 'publishableKey').getAttribute('aria-invalid'), 'true');
  });

  it('shows new values when they are loaded again (after a save)', async () => {
    const w = await mountForm({ values: { publishableKey: 'pk_old' } });
    await w.get('#stripe-publishableKey').setValue('typed');
    await w.setProps({ values: { publishableKey: 'pk_saved' } });
    assert.equal(input(w, 'publishableKey').value, 'pk_saved');
  });
});
