import assert from 'node:assert/strict';
import { FakeWhmServer } from './server.ts';

/** A parsed answer: test code reads WHM's documented fields by name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = Record<string, any>;

/** The fake against WHM API 1's documented request and answer shapes, and its faults. */
describe('WHM API 1 fake', () => {
  let whm: FakeWhmServer;
  const call = async (fn: string, params: Record<string, string> = {}, token = whm.token, timeoutMs = 5000) => {
    const url = new URL(`/json-api/${fn}`, whm.url);
    url.searchParams.set('api.version', '1');
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await fetch(url, { headers: { authorization: `whm root:${token}` }, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: ((res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : { text }) as Answer };
  };
  beforeEach(async () => {
    whm = await new FakeWhmServer().start();
    whm.state.addPackage('gold', { QUOTA: 2048, BWLIMIT: 10240 });
  });
  afterEach(() => whm.stop());

  it('createacct answers the documented envelope and keeps the account', async () => {
    const { status, body } = await call('createacct', { username: 'alice', domain: 'alice.test', plan: 'gold', contactemail: 'a@alice.test', password: 'S3cret-pass' });
    assert.equal(status, 200);
    assert.deepEqual(body.metadata, { version: 1, command: 'createacct', result: 1, reason: 'Account Creation Ok', output: { raw: 'Account Creation Ok: alice (alice.test)' } });
    assert.equal(body.data.package, 'gold');
    const summary = await call('accountsummary', { user: 'alice' });
    assert.equal(summary.body.metadata.result, 1);
    const row = summary.body.data.acct[0];
    assert.equal(row.user, 'alice');
    assert.equal(row.domain, 'alice.test');
    assert.equal(row.plan, 'gold');
    assert.equal(row.suspended, 0);
    assert.equal(row.disklimit, '2048M');
    assert.match(row.startdate, /^\d\d [A-Z][a-z]{2} \d\d \d\d:\d\d$/);
  });

  it('answers errors as metadata.result 0 with a reason, HTTP 200', async () => {
    await call('createacct', { username: 'alice', domain: 'alice.test' });
    const dup = await call('createacct', { username: 'alice', domain: 'other.test' });
    assert.equal(dup.status, 200);
    assert.equal(dup.body.metadata.result, 0);
    assert.match(dup.body.metadata.reason, /^\(XID [0-9a-f]{6}\) Sorry, a passwd entry for “alice” already exists\.$/);
    assert.equal(dup.body.data, undefined);
    const pkg = await call('createacct', { username: 'bob', domain: 'bob.test', plan: 'platinum' });
    assert.match(pkg.body.metadata.reason, /package “platinum” does not exist/);
    assert.equal(whm.state.accounts.has('bob'), false);
    const missing = await call('accountsummary', { user: 'nobody' });
    assert.equal(missing.body.metadata.result, 0);
    assert.match(missing.body.metadata.reason, /does not exist/);
    const unknown = await call('no_such_function');
    assert.match(unknown.body.metadata.reason, /Unknown app/);
  });

  it('suspends (twice), unsuspends, changes package, changes the password and removes', async () => {
    await call('createacct', { username: 'carol', domain: 'carol.test' });
    assert.equal((await call('suspendacct', { user: 'carol', reason: 'overdue' })).body.metadata.result, 1);
    assert.equal((await call('suspendacct', { user: 'carol', reason: 'still overdue' })).body.metadata.result, 1);
    const row = (await call('accountsummary', { user: 'carol' })).body.data.acct[0];
    assert.equal(row.suspended, 1);
    assert.equal(row.suspendreason, 'still overdue');
    assert.equal((await call('unsuspendacct', { user: 'carol' })).body.metadata.result, 1);
    assert.equal((await call('unsuspendacct', { user: 'carol' })).body.metadata.result, 0, 'unsuspending an active account is refused');
    assert.equal((await call('changepackage', { user: 'carol', pkg: 'gold' })).body.metadata.result, 1);
    assert.equal((await call('changepackage', { user: 'carol', pkg: 'nope' })).body.metadata.result, 0);
    assert.equal(whm.state.accounts.get('carol')!.plan, 'gold');
    assert.equal((await call('passwd', { user: 'carol', password: 'short' })).body.metadata.result, 0);
    assert.equal((await call('passwd', { user: 'carol', password: 'Longer-pass-1' })).body.metadata.result, 1);
    assert.equal(whm.state.accounts.get('carol')!.password, 'Longer-pass-1');
    assert.equal((await call('removeacct', { username: 'carol' })).body.metadata.result, 1);
    const again = await call('removeacct', { username: 'carol' });
    assert.equal(again.body.metadata.result, 0);
    assert.match(again.body.metadata.reason, /System user carol does not exist!/);
  });

  it('lists accounts, packages and bandwidth', async () => {
    await call('createacct', { username: 'dave', domain: 'dave.test', plan: 'gold' });
    await call('createacct', { username: 'erin', domain: 'erin.test' });
    whm.state.accounts.get('dave')!.bandwidthBytes = 5 * 1024 * 1024;
    const accts = (await call('listaccts')).body.data.acct as Array<{ user: string }>;
    assert.deepEqual(accts.map((a) => a.user).sort(), ['dave', 'erin']);
    const one = (await call('listaccts', { search: 'erin', searchtype: 'user', searchmethod: 'exact' })).body.data.acct as Array<{ user: string }>;
    assert.deepEqual(one.map((a) => a.user), ['erin']);
    const pkgs = (await call('listpkgs')).body.data.pkg as Array<{ name: string; QUOTA: unknown }>;
    assert.deepEqual(pkgs.map((p) => p.name).sort(), ['default', 'gold']);
    const bw = (await call('showbw', { searchtype: 'user', search: 'dave' })).body.data;
    assert.equal(bw.acct[0].totalbytes, 5 * 1024 * 1024);
    assert.equal(bw.acct[0].limit, 10240 * 1024 * 1024);
  });

  it('refuses a wrong token with 403 and the cpanelresult envelope', async () => {
    const res = await call('listaccts', {}, 'WRONG');
    assert.equal(res.status, 403);
    assert.equal(res.body.cpanelresult.data.reason, 'Access denied');
  });

  it('create_user_session gives a one-time URL whose landing page logs in once', async () => {
    await call('createacct', { username: 'frank', domain: 'frank.test' });
    const s = (await call('create_user_session', { user: 'frank', service: 'cpaneld' })).body.data;
    assert.match(s.url, /\/cpsess\d{10}\/login\/\?session=/);
    assert.equal(s.service, 'cpaneld');
    const first = await fetch(s.url);
    assert.equal(first.status, 200);
    assert.match(await first.text(), /cPanel: logged in as frank/);
    assert.equal((await fetch(s.url)).status, 401, 'a session URL works once');
    const whmSession = (await call('create_user_session', { user: 'root', service: 'whostmgrd' })).body.data;
    assert.match(await (await fetch(whmSession.url)).text(), /WHM: logged in as root/);
    assert.equal((await call('create_user_session', { user: 'ghost', service: 'cpaneld' })).body.metadata.result, 0);
  });

  it('injects apply-then-timeout, 500 after applying, slow answers and rate limits', async () => {
    whm.inject({ kind: 'timeoutAfterApply' }, 'createacct');
    await assert.rejects(call('createacct', { username: 'gina', domain: 'gina.test' }, whm.token, 300), /timeout|aborted/i);
    assert.equal(whm.state.accounts.has('gina'), true, 'applied before the silence');

    whm.inject({ kind: 'errorAfterApply' }, 'suspendacct');
    assert.equal((await call('suspendacct', { user: 'gina' })).status, 500);
    assert.equal(whm.state.accounts.get('gina')!.suspended, true);

    whm.inject({ kind: 'rateLimit', retryAfterSeconds: 7 });
    const limited = await call('unsuspendacct', { user: 'gina' });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    assert.equal(whm.state.accounts.get('gina')!.suspended, true, 'nothing applied');

    whm.inject({ kind: 'slow', ms: 300 });
    const started = Date.now();
    assert.equal((await call('listaccts')).status, 200);
    assert.ok(Date.now() - started >= 290);
    assert.equal(whm.count('createacct'), 1);
  });
});
