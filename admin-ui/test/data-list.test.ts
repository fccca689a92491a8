import { useDom, mountWithApp, memoryRouter, flushPromises } from './support/mount.ts';
import { useFetch, json } from './support/fetch.ts';
import assert from 'node:assert/strict';
import { DataList, type Column, type Filter } from '@mpanel/sdk/ui/vue';

const columns: Column[] = [
  { key: 'name', label: 'Name', sortable: true },
  { key: 'status', label: 'Status' },
];
const filters: Filter[] = [{ key: 'status', label: 'Status', options: [{ value: 'active', label: 'Active' }, { value: 'closed', label: 'Closed' }] }];
const rows = (...names: string[]) => names.map((name, i) => ({ id: i + 1, name, status: 'active' }));
const page = (names: string[], meta = { total: names.length, page: 1, perPage: 20 }) => json({ data: rows(...names), meta });

describe('admin-ui DataList', () => {
  useDom();
  const api = useFetch();
  const cells = (w: Awaited<ReturnType<typeof mountList>>) => w.findAll('tbody tr').map((tr) => tr.find('td').text());
  const lastQuery = () => Object.fromEntries(api.calls.at(-1)!.url.searchParams);

  async function mountList(at: string, props: Partial<InstanceType<typeof DataList>['$props']> = {}) {
    const router = await memoryRouter(at);
    const w = await mountWithApp(DataList, { props: { endpoint: '/clients', columns, filters, searchable: true, caption: 'Clients', ...props }, router });
    await flushPromises();
    return Object.assign(w, { router });
  }

  it('asks the API for the page, sort, search and filters in the URL and shows the rows', async () => {
    api.answer(() => page(['Acme', 'Globex'], { total: 45, page: 2, perPage: 20 }));
    const w = await mountList('/clients?page=2&sort=-name&q=ac&status=active');
    assert.equal(api.calls.length, 1);
    assert.equal(api.calls[0]!.url.pathname, '/api/v1/clients');
    assert.deepEqual(lastQuery(), { page: '2', perPage: '20', sort: '-name', q: 'ac', status: 'active' });
    assert.deepEqual(cells(w), ['Acme', 'Globex']);
    assert.match(w.get('.mp-pager').text(), /Page 2 of 3 · 45 results/);
    assert.equal(w.get('th').attributes('aria-sort'), 'descending');
    assert.equal((w.get('#filter-status').element as HTMLSelectElement).value, 'active');
  });

  it('keeps a hand-edited URL within bounds (page >= 1, 1 <= perPage <= 100)', async () => {
    api.answer(() => page([]));
    await mountList('/clients?page=-3&perPage=5000');
    assert.deepEqual(lastQuery(), { page: '1', perPage: '100' });
  });

  it('sorting by a column puts the sort into the URL (ascending, then descending) and reloads from page 1', async () => {
    api.answer(() => page(['Acme'], { total: 60, page: 3, perPage: 20 }));
    const w = await mountList('/clients?page=3');
    await w.get('th button').trigger('click');
    await flushPromises();
    assert.deepEqual(w.router.currentRoute.value.query, { sort: 'name' });
    assert.deepEqual(lastQuery(), { page: '1', perPage: '20', sort: 'name' });
    assert.equal(w.get('th').attributes('aria-sort'), 'ascending');
    await w.get('th button').trigger('click');
    await flushPromises();
    assert.deepEqual(w.router.currentRoute.value.query, { sort: '-name' });
    assert.equal(w.get('th').attributes('aria-sort'), 'descending');
  });

  it('pages with next/previous through the URL and disables them at the ends', async () => {
    api.answer((call) => page(['Row'], { total: 45, page: Number(call.url.searchParams.get('page')), perPage: 20 }));
    const w = await mountList('/clients?status=active');
    const [previous, next] = w.get('.mp-pager').findAll('button');
    assert.equal(previous!.attributes('disabled'), '');
    await next!.trigger('click');
    await flushPromises();
    assert.deepEqual(w.router.currentRoute.value.query, { status: 'active', page: '2' });
    assert.equal(lastQuery().page, '2');
    await next!.trigger('click');
    await flushPromises();
    assert.match(w.get('.mp-pager').text(), /Page 3 of 3/);
    assert.equal(next!.attributes('disabled'), '');
    await previous!.trigger('click');
    await flushPromises();
    assert.equal(w.router.currentRoute.value.query.page, '2');
  });

  it('a filter or a search goes into the URL and back to page 1; an emptied filter leaves the URL', async () => {
    api.answer(() => page(['Acme']));
    const w = await mountList('/clients?page=4');
    await w.get('#filter-status').setValue('closed');
    await flushPromises();
    assert.deepEqual(w.router.currentRoute.value.query, { status: 'closed' });
    assert.deepEqual(lastQuery(), { page: '1', perPage: '20', status: 'closed' });
    await w.get('#list-search').setValue('glo');
    await w.get('form[role="search"]').trigger('submit');
    await flushPromises();
    assert.deepEqual(w.router.currentRoute.value.query, { status: 'closed', q: 'glo' });
    assert.equal(lastQuery().q, 'glo');
    await w.get('#filter-status').setValue('');
    await flushPromises();
    assert.deepEqual(w.router.currentRoute.value.query, { q: 'glo' });
  });

  it('the search box follows the URL (back, a link) rather than keeping what was typed before', async () => {
    api.answer(() => page(['Acme']));
    const w = await mountList('/clients?q=acme');
    assert.equal((w.get('#list-search').element as HTMLInputElement).value, 'acme');
    await w.router.push('/clients?q=globex');
    await flushPromises();
    assert.equal(lastQuery().q, 'globex');
    assert.equal((w.get('#list-search').element as HTMLInputElement).value, 'globex');
    await w.router.push('/clients');
    await flushPromises();
    assert.equal((w.get('#list-search').element as HTMLInputElement).value, '');
  });

  it('sends the search under the API\'s own name, fixed filters always, and encoded filter values', async () => {
    api.answer(() => page([]));
    const since: Filter = { key: 'since', label: 'Since', input: 'date', encode: (v) => String(Date.parse(`${v}T00:00:00Z`)) };
    await mountList('/invoices?q=inv-7&since=2026-01-02', { endpoint: '/invoices', filters: [since], searchParam: 'search', fixedQuery: { clientId: '42' } });
    assert.deepEqual(lastQuery(), { page: '1', perPage: '20', search: 'inv-7', since: String(Date.UTC(2026, 0, 2)), clientId: '42' });
  });

  it('a local list keeps its state out of the URL', async () => {
    api.answer(() => page(['Acme'], { total: 45, page: 1, perPage: 20 }));
    const w = await mountList('/clients/7?tab=invoices', { local: true });
    assert.equal(w.find('form[role="search"]').exists(), false);
    await w.get('.mp-pager').findAll('button')[1]!.trigger('click');
    await flushPromises();
    assert.equal(lastQuery().page, '2');
    assert.deepEqual(w.router.currentRoute.value.query, { tab: 'invoices' });
  });

  it('shows the API error with a retry that loads again', async () => {
    api.answer(() => json({ error: 'Database unavailable' }, 503));
    const w = await mountList('/clients');
    assert.equal(w.get('[role="alert"] p').text(), 'Database unavailable');
    api.answer(() => page(['Acme']));
    await w.get('[role="alert"] button').trigger('click');
    await flushPromises();
    assert.equal(api.calls.length, 2);
    assert.deepEqual(cells(w), ['Acme']);
  });

  it('shows the answer to the latest query when an older one arrives last', async () => {
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => { releaseFirst = resolve; });
    api.answer(async (call) => {
      if (call.url.searchParams.get('status') !== 'closed') {
        await firstHeld;
        return page(['Stale']);
      }
      return page(['Fresh']);
    });
    const w = await mountList('/clients');
    await w.router.replace({ query: { status: 'closed' } });
    await flushPromises();
    releaseFirst();
    await flushPromises();
    assert.equal(api.calls.length, 2);
    assert.deepEqual(cells(w), ['Fresh']);
  });

  it('links the first column to the row and gives the actions slot a reload', async () => {
    api.answer(() => page(['Acme']));
    const router = await memoryRouter('/clients');
    const w = await mountWithApp(DataList, {
      props: { endpoint: '/clients', columns, caption: 'Clients', rowLink: (row: Record<string, unknown>) => `/clients/${String(row.id)}` },
      slots: { actions: `<template #actions="{ reload }"><button class="reload" @click="reload">Reload</button></template>` },
      router,
    });
    await flushPromises();
    assert.equal(w.get('tbody a').attributes('href'), '/clients/1');
    await w.get('button.reload').trigger('click');
    await flushPromises();
    assert.equal(api.calls.length, 2);
  });
});
