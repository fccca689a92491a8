import { useDom, mountWithApp } from './support/mount.ts';
import assert from 'node:assert/strict';
import { SchemaForm, type SettingsSchema } from '@mpanel/sdk/ui/vue';
import { DEFAULT_SETTINGS, settingsSchema } from '../../plugins/billing/src/settings.ts';

/**
 * Billing's real settings schema in the generated form: a tenant that never saved settings sees
 * (and saves back) what billing uses. Saving only the company name once turned `autoApplyCredit`
 * off: the checkbox of a field without a schema default started unchecked.
 */
describe('admin-ui SchemaForm with billing settings', () => {
  useDom();

  it('starts from the effective values, so saving one field sends the others unchanged', async () => {
    const w = await mountWithApp(SchemaForm, { props: { schema: settingsSchema as unknown as SettingsSchema, values: {}, errors: {}, idPrefix: 'billing' } });
    assert.equal((w.get('#billing-autoApplyCredit').element as HTMLInputElement).checked, true);
    await w.get('#billing-companyName').setValue('ACME Hosting');
    const sent = w.vm.collect();
    assert.equal(sent.companyName, 'ACME Hosting');
    for (const key of ['autoApplyCredit', 'invoiceLeadDays', 'lateFeeType', 'lateFeeValue', 'suspendAfterDays', 'defaultCurrency', 'reminderDaysAfter'] as const) {
      assert.deepEqual(sent[key], DEFAULT_SETTINGS[key], key);
    }
    assert.equal('mailTemplates' in sent, false, 'an object has no field and is not sent: the stored templates stay');
    assert.equal(w.find('#billing-mailTemplates').exists(), false);
  });

  it('edits a list of days as comma-separated numbers', async () => {
    const w = await mountWithApp(SchemaForm, { props: { schema: settingsSchema as unknown as SettingsSchema, values: { reminderDaysBefore: [3, 1] }, errors: {}, idPrefix: 'billing' } });
    assert.equal((w.get('#billing-reminderDaysBefore').element as HTMLInputElement).value, '3, 1');
    await w.get('#billing-reminderDaysBefore').setValue('7, 2');
    assert.deepEqual(w.vm.collect().reminderDaysBefore, [7, 2]);
  });
});
