import { useDom, mountWithApp, flushPromises } from './support/mount.ts';
import { useFetch, json } from './support/fetch.ts';
import assert from 'node:assert/strict';
import ToastService from 'primevue/toastservice';
import { setPermissions } from '@mpanel/sdk/ui';
import WorkflowRunView from '../src/admin/views/platform/WorkflowRunView.vue';

const RUN = '22222222-2222-4222-8222-222222222222';
const step = (name: string, kind: string, status: string, extra: Record<string, unknown> = {}) => ({
  id: `${name}-${kind}`, name, kind, status, attempts: 1, outputSummary: null, lastError: null, startedAt: '2026-12-07T05:00:00.000Z', durationMs: 120, ...extra,
});
const run = (status: string) => ({
  id: RUN, name: 'hosting.provision', subject: 'service:42', status, lastError: status === 'succeeded' ? null : 'point-dns: NeedsAttention: zone locked',
  supersededBy: null, cancelRequested: false, inputSummary: { domain: 'example.com', password: '[redacted]' }, createdAt: '2026-12-07T05:00:00.000Z',
  startedAt: '2026-12-07T05:00:00.000Z', finishedAt: null, durationMs: null,
  steps: [step('create-account', 'run', 'succeeded', { outputSummary: { username: '[redacted]' } }), step('point-dns', 'run', status === 'succeeded' ? 'succeeded' : 'failed', { attempts: 3, lastError: 'zone locked' })],
});

describe('admin-ui workflow run page: a timeline with retry and cancel', () => {
  useDom();
  const server = useFetch();
  after(() => setPermissions([]));

  it('shows each step with status, attempts and error, and retries a run that needs attention', async () => {
    setPermissions(['workflows.read', 'workflows.manage']);
    let retried = false;
    server.answer(({ method }) => {
      if (method === 'POST') {
        retried = true;
        return json({ data: { ...run('queued') }, message: 'Run queued again' });
      }
      return json({ data: run(retried ? 'succeeded' : 'needs_attention') });
    });
    const wrapper = await mountWithApp(WorkflowRunView, { props: { id: RUN }, global: { plugins: [ToastService] } });
    await flushPromises();
    const items = wrapper.findAll('[data-testid="workflow-timeline"] li');
    assert.equal(items.length, 2);
    assert.match(items[1]!.text(), /point-dns.*failed.*Attempts: 3/s);
    assert.match(items[1]!.text(), /zone locked/);
    assert.match(items[0]!.text(), /\[redacted\]/);
    assert.ok(wrapper.findAll('button').some((b) => b.text() === 'Cancel'));
    await wrapper.findAll('button').find((b) => b.text() === 'Retry')!.trigger('click');
    await flushPromises();
    assert.deepEqual(server.calls.map((c) => [c.method, c.url.pathname]), [
      ['GET', `/api/v1/workflows/${RUN}`],
      ['POST', `/api/v1/workflows/${RUN}/retry`],
      ['GET', `/api/v1/workflows/${RUN}`],
    ]);
    assert.ok(!wrapper.findAll('button').some((b) => b.text() === 'Retry'), 'a succeeded run offers no retry');
  });

  it('offers no actions without workflows.manage', async () => {
    setPermissions(['workflows.read']);
    server.answer(() => json({ data: run('needs_attention') }));
    const wrapper = await mountWithApp(WorkflowRunView, { props: { id: RUN }, global: { plugins: [ToastService] } });
    await flushPromises();
    assert.match(wrapper.text(), /point-dns/);
    assert.equal(wrapper.findAll('button').filter((b) => ['Retry', 'Cancel'].includes(b.text())).length, 0);
  });
});
