import { useDom, mountWithApp, flushPromises } from '../../../../admin-ui/test/support/mount.ts';
import { useFetch, json } from '../../../../admin-ui/test/support/fetch.ts';
import assert from 'node:assert/strict';
import ToastService from 'primevue/toastservice';
import { setPermissions } from '@mpanel/sdk/ui';
import { SLOT_OUTLET } from '@mpanel/sdk/ui/vue';
import { i18n } from '../../../../admin-ui/src/shared/i18n.ts';
import SlotOutlet from '../../../../admin-ui/src/shared/components/SlotOutlet.vue';
import { en } from '../../ui/src/messages.ts';
import MailSection from '../../ui/src/portal/MailSection.vue';
import MailSending from '../../ui/src/components/MailSending.vue';

const list = (data: unknown[]) => json({ data, meta: { total: data.length, page: 1, perPage: 100 } });
const tick = async () => {
  for (let i = 0; i < 3; i++) {
    await flushPromises();
    await new Promise((r) => setTimeout(r, 0));
  }
};
const MAIL = ['mail-domains.read', 'mail-domains.write', 'mailboxes.read', 'mailboxes.write', 'mail-aliases.read', 'mail-aliases.write'];
const DOMAIN = { id: 'md1', domain: 'example.test', catchAll: null, dkimSelector: 'mp202612', state: 'active' };

describe('hosting UI: the portal\'s Email section', () => {
  useDom();
  const server = useFetch();
  before(() => i18n.global.mergeLocaleMessage('en', en));
  afterEach(() => setPermissions([]));
  const mountIt = (props: Record<string, unknown>) =>
    mountWithApp(MailSection, { props, global: { plugins: [ToastService], provide: { [SLOT_OUTLET as symbol]: SlotOutlet } } } as never);

  it('creates a mailbox with its domain, password and a numeric quota; lists it by full address, never a password', async () => {
    setPermissions(MAIL);
    const boxes: Array<Record<string, unknown>> = [];
    server.answer(({ method, url }) => {
      if (url.pathname.endsWith('/mail-domains')) return list([DOMAIN]);
      if (url.pathname.endsWith('/mailboxes') && method === 'POST') {
        const box = { id: 'mb1', mailDomainId: 'md1', localPart: 'info', quotaMb: 1024, autoresponder: null, state: 'creating', hasPassword: true };
        boxes.push(box);
        return json({ data: box }, 201);
      }
      if (url.pathname.endsWith('/mailboxes')) return list(boxes);
      return list([]);
    });
    const wrapper = await mountIt({ accountId: 'a1', room: { domains: true, mailboxes: true } });
    await tick();
    await wrapper.get('[data-testid="add-mailboxes"]').trigger('click');
    await tick();
    await wrapper.get('#new-mailboxes-mailDomainId').setValue('md1');
    await wrapper.get('#new-mailboxes-localPart').setValue('info');
    await wrapper.get('#new-mailboxes-password').setValue('a long mailbox password');
    await wrapper.get('form[aria-labelledby="new-mailboxes-title"]').trigger('submit');
    await tick();
    const post = server.calls.find((c) => c.method === 'POST')!;
    assert.equal(post.url.pathname, '/api/v1/hosting-accounts/a1/mailboxes');
    assert.deepEqual(post.body, { mailDomainId: 'md1', localPart: 'info', password: 'a long mailbox password', quotaMb: 1024 });
    assert.match(wrapper.text(), /info@example\.test/);
    assert.ok(!wrapper.text().includes('a long mailbox password'));
  });

  it('no "add" past the plan\'s mailbox limit', async () => {
    setPermissions(MAIL);
    server.answer(({ url }) => (url.pathname.endsWith('/mail-domains') ? list([DOMAIN]) : list([])));
    const wrapper = await mountIt({ accountId: 'a1', room: { domains: false, mailboxes: false } });
    await tick();
    assert.equal(wrapper.find('[data-testid="add-mailboxes"]').exists(), false);
    assert.equal(wrapper.find('[data-testid="add-mail-domains"]').exists(), false);
    assert.ok(wrapper.find('[data-testid="limit-mailboxes"]').exists());
  });

  it('shows the DNS status per record: published and matching, missing, different', async () => {
    setPermissions(MAIL);
    server.answer(({ url }) => {
      if (url.pathname.endsWith('/dns-check')) {
        return json({ data: { domain: 'example.test', hostedHere: false, records: [
          { purpose: 'mx', name: 'example.test', type: 'MX', expected: '10 web1.test.', found: ['10 web1.test.'], status: 'ok' },
          { purpose: 'spf', name: 'example.test', type: 'TXT', expected: 'v=spf1 mx a ~all', found: ['v=spf1 -all'], status: 'different' },
          { purpose: 'dmarc', name: '_dmarc.example.test', type: 'TXT', expected: 'v=DMARC1; p=none', found: [], status: 'missing' },
        ] } });
      }
      return url.pathname.endsWith('/mail-domains') ? list([DOMAIN]) : list([]);
    });
    const wrapper = await mountIt({ accountId: 'a1', room: { domains: true, mailboxes: true } });
    await tick();
    await wrapper.get('[data-testid="dns-example.test"]').trigger('click');
    await tick();
    const panel = wrapper.get('[data-testid="mail-dns-status"]');
    const rows = panel.findAll('tbody tr').map((r) => [r.attributes('data-status'), r.text()]);
    assert.equal(rows.length, 3);
    assert.match(rows[0]![1]!, /published and matching/);
    assert.match(rows[1]![1]!, /different/);
    assert.match(rows[2]![1]!, /missing/);
    assert.ok(server.calls.some((c) => c.url.pathname === '/api/v1/hosting-accounts/a1/mail-domains/md1/dns-check'));
  });

  it('staff ask the server for sending counters; what it does not report shows as a dash', async () => {
    setPermissions(['mailboxes.counters']);
    server.answer(() => json({ data: { note: null, mailboxes: [
      { mailboxId: 'mb1', address: 'info@example.test', quotaMb: 1000, sendLimitPerHour: 100, observed: true, sentThisHour: 42, sentToday: null, usageMb: 12 },
    ] } }));
    const wrapper = await mountWithApp(MailSending, { props: { accountId: 'a1' }, global: { plugins: [ToastService] } } as never);
    await tick();
    assert.equal(server.calls.length, 0, 'nothing is asked before the click');
    await wrapper.get('[data-testid="mail-sending-load"]').trigger('click');
    await tick();
    assert.deepEqual(server.calls.map((c) => `${c.method} ${c.url.pathname}`), ['GET /api/v1/hosting-accounts/a1/mail-sending']);
    const cells = wrapper.get('[data-testid="mail-sending"] tbody tr').findAll('td').map((c) => c.text());
    assert.deepEqual(cells, ['info@example.test', '42', '100', '—', '12 / 1000 MB']);
  });
});
