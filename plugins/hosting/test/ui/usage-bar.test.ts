import { useDom, mountWithApp, flushPromises } from '../../../../admin-ui/test/support/mount.ts';
import { useFetch, json } from '../../../../admin-ui/test/support/fetch.ts';
import assert from 'node:assert/strict';
import { i18n } from '../../../../admin-ui/src/shared/i18n.ts';
import { en } from '../../ui/src/messages.ts';
import MailboxUsage from '../../ui/src/components/MailboxUsage.vue';
import UsageSection from '../../ui/src/portal/UsageSection.vue';

/** Both usage lists render their entries through components/UsageBar.vue: label, "used of limit", bar, "over". */
describe('hosting UI: usage bars', () => {
  useDom();
  const server = useFetch();
  before(() => i18n.global.mergeLocaleMessage('en', en));

  it('mailbox storage: one bar a measured mailbox (red at 90 %), text only for one not measured', async () => {
    const box = (address: string, usageMb: number | null) => ({ mailboxId: address, address, quotaMb: 50, observed: usageMb !== null, usageMb, usageBytes: usageMb === null ? null : usageMb * 1048576 });
    server.answer(() => json({ data: { mailboxes: [box('info@shop.test', 12.34), box('full@shop.test', 45), box('new@shop.test', null)], note: null } }));
    const wrapper = await mountWithApp(MailboxUsage, { props: { accountId: 'a1' } } as never);
    await flushPromises();
    assert.equal(server.calls[0]!.url.pathname, '/api/v1/hosting-accounts/a1/mail-usage');
    const info = wrapper.get('[data-mailbox="info@shop.test"]');
    assert.equal(info.get('dt').text(), 'info@shop.test');
    assert.equal(info.get('dd span').text(), '12.3 MB of 50 MB');
    assert.equal(info.get('progress').attributes('value'), '25');
    assert.equal(info.classes().includes('over'), false);
    assert.equal(wrapper.get('[data-mailbox="full@shop.test"]').classes().includes('over'), true);
    assert.equal(wrapper.find('[data-mailbox="new@shop.test"] progress').exists(), false);
  });

  it("plan limits: a bar a limited resource, none for an unlimited one", async () => {
    const wrapper = await mountWithApp(UsageSection, { props: { limits: { diskMb: 2048, sites: null }, used: { diskMb: 312, sites: 3, databases: 0, cronJobs: 0 } } } as never);
    const disk = wrapper.get('[data-usage="diskMb"]');
    assert.equal(disk.get('dd span').text(), '312 of 2048');
    assert.equal(disk.get('progress').attributes('value'), '15');
    assert.equal(wrapper.find('[data-usage="sites"] progress').exists(), false);
  });
});
