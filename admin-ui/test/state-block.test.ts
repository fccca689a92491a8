import { useDom, mountWithApp } from './support/mount.ts';
import assert from 'node:assert/strict';
import { StateBlock } from '@mpanel/sdk/ui/vue';

const content = { default: '<p class="content">rows</p>' };

describe('admin-ui StateBlock', () => {
  useDom();

  it('shows the loading state instead of an error, the empty text or the content', async () => {
    const w = await mountWithApp(StateBlock, { props: { loading: true, error: 'boom', empty: true }, slots: content });
    assert.equal(w.get('[role="status"]').text(), 'Loading…');
    assert.equal(w.find('[role="alert"]').exists(), false);
    assert.equal(w.find('.content').exists(), false);
  });

  it('shows the error with a retry button that emits retry', async () => {
    const w = await mountWithApp(StateBlock, { props: { error: 'The server is down', empty: true }, slots: content });
    const alert = w.get('[role="alert"]');
    assert.equal(alert.get('p').text(), 'The server is down');
    assert.equal(w.find('.content').exists(), false);
    assert.equal(w.emitted('retry'), undefined);
    await alert.get('button').trigger('click');
    assert.equal(w.emitted('retry')?.length, 1);
  });

  it('shows the empty text (default or given) when there is nothing to show', async () => {
    const w = await mountWithApp(StateBlock, { props: { empty: true }, slots: content });
    assert.equal(w.get('[role="status"]').text(), 'Nothing here yet.');
    await w.setProps({ emptyText: 'No invoices' });
    assert.equal(w.get('[role="status"]').text(), 'No invoices');
    assert.equal(w.find('.content').exists(), false);
  });

  it('renders the content once loaded without error and not empty', async () => {
    const w = await mountWithApp(StateBlock, { props: { loading: false, error: null, empty: false }, slots: content });
    assert.equal(w.get('.content').text(), 'rows');
    assert.equal(w.find('[role="status"]').exists(), false);
    assert.equal(w.find('[role="alert"]').exists(), false);
  });
});
