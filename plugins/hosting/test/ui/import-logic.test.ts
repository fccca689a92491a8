// The DOM first: forms.ts loads Vue, whose DOM renderer binds `document` when first loaded (other UI test files mount after this one).
import '../../../../admin-ui/test/support/mount.ts';
import assert from 'node:assert/strict';
import { effectiveAction, isFinished, mappingsOf, percentDone, previewSummary, serverCredentials, type PreviewAccount } from '../../ui/src/import.ts';
import { CREATE_SCREENS } from '../../ui/src/admin/forms.ts';

const account = (username: string, action: PreviewAccount['proposal']['action']): PreviewAccount => ({ username, status: 'active', proposal: { action } });

describe('hosting UI: import screen logic', () => {
  it('counts the preview with the accounts staff left out as skipped, and sends those as mappings', () => {
    const accounts = [account('a1', 'match'), account('a2', 'create'), account('a3', 'create'), account('a4', 'skip'), account('a5', 'none')];
    const left = new Set(['a3', 'a1']);
    assert.deepEqual(previewSummary(accounts, left), { match: 0, create: 1, skip: 3, none: 1 });
    assert.deepEqual(mappingsOf(left), [{ username: 'a1', skip: true }, { username: 'a3', skip: true }]);
  });

  it("staff's client per account: an existing client counts as matched, a new client as created (or none without an e-mail); left out wins", () => {
    const withMail = (username: string, action: PreviewAccount['proposal']['action']): PreviewAccount => ({ ...account(username, action), email: `${username}@x.example` });
    const accounts = [withMail('a1', 'create'), account('a2', 'none'), withMail('a3', 'match'), withMail('a4', 'skip'), account('a5', 'match')];
    const chosen = new Map([
      ['a1', { clientId: 'c-1', label: 'Ann' }], ['a2', { clientId: 'c-2', label: 'Bob' }], ['a3', { newClient: true as const }],
      ['a4', { clientId: 'c-4', label: 'Cy' }], ['a5', { newClient: true as const }],
    ]);
    assert.deepEqual(accounts.map((a) => effectiveAction(a, new Set(), chosen)), ['match', 'match', 'create', 'skip', 'none']);
    assert.deepEqual(previewSummary(accounts, new Set(['a1']), chosen), { match: 1, create: 1, skip: 2, none: 1 });
    assert.deepEqual(mappingsOf(new Set(['a1']), chosen), [
      { username: 'a1', skip: true }, { username: 'a2', clientId: 'c-2' }, { username: 'a3', newClient: true }, { username: 'a4', clientId: 'c-4' }, { username: 'a5', newClient: true },
    ]);
  });

  it('progress: 0 before the server was listed, the share processed, 100 when done', () => {
    assert.equal(percentDone({ status: 'queued', progress: { total: 0, processed: 0 } }), 0);
    assert.equal(percentDone({ status: 'running', progress: { total: 503, processed: 250 } }), 50);
    assert.equal(percentDone({ status: 'succeeded', progress: { total: 0, processed: 0 } }), 100);
    assert.equal(isFinished({ status: 'failed' }), true);
    assert.equal(isFinished({ status: 'running' }), false);
  });

  it('the server form: Hestia credentials become a credentials object and the server starts online; the agent gets neither', () => {
    const screen = CREATE_SCREENS.servers!;
    // The module picker offers the modules active for the tenant (Hestia among them when its plugin is on).
    assert.equal(screen.fields.find((f) => f.name === 'module')!.source?.endpoint, '/provisioning/modules');
    const hestia = screen.toBody({ name: 'h1', hostname: 'h1.example.com', module: 'hestia', port: '8083', accessKey: ' AK1 ', secretKey: 'S3CRET', address: '' });
    assert.deepEqual(hestia, { name: 'h1', hostname: 'h1.example.com', module: 'hestia', port: 8083, credentials: { accessKey: 'AK1', secretKey: 'S3CRET' }, status: 'online' });
    const agent = screen.toBody({ name: 'a1', hostname: 'a1.example.com', module: 'mpanel-agent', accessKey: '', secretKey: '' });
    assert.deepEqual(agent, { name: 'a1', hostname: 'a1.example.com', module: 'mpanel-agent' });
    assert.equal(serverCredentials({ accessKey: 'only-one' }), undefined);
    assert.equal(screen.next!({ id: 'x', module: 'hestia' }), '/servers/x');
    assert.equal(screen.next!({ id: 'x', module: 'mpanel-agent' }), '/servers/x?enroll=1');
  });
});
