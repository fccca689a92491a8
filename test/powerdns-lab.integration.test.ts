import assert from 'node:assert/strict';
import { dig, startPowerDnsLab, type PowerDnsLab } from './support/powerdns-lab.ts';

// The lab itself (HOSTING.md §7.1): a zone created through PowerDNS's API is answered by dig,
// signed once DNSSEC is on, and the server survives kill() + restart() with its data.
describe('PowerDNS lab (test/support/powerdns-lab.ts)', function () {
  this.timeout(60_000);
  let lab: PowerDnsLab;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${lab.apiUrl}/api/v1/servers/localhost${path}`, {
      ...init,
      headers: { 'X-API-Key': lab.apiKey, 'Content-Type': 'application/json' },
    });

  before(async () => {
    lab = await startPowerDnsLab({ portBase: 25390 });
  });
  after(async () => {
    await lab?.stop();
  });

  it('serves a zone created through the API, signs it, and keeps it across a restart', async () => {
    const created = await api('/zones', {
      method: 'POST',
      body: JSON.stringify({
        name: 'lab.test.',
        kind: 'Native',
        nameservers: ['ns1.lab.test.'],
        rrsets: [{ name: 'www.lab.test.', type: 'A', ttl: 60, records: [{ content: '192.0.2.10', disabled: false }] }],
      }),
    });
    assert.equal(created.status, 201);
    const a = dig(lab, 'www.lab.test', 'A');
    assert.equal(a.status, 'NOERROR');
    assert.ok(a.flags.includes('aa'));
    assert.deepEqual(a.values, ['192.0.2.10']);

    assert.equal((await api('/zones/lab.test.', { method: 'PUT', body: JSON.stringify({ dnssec: true, api_rectify: true }) })).status, 204);
    const signed = dig(lab, 'www.lab.test', 'A', { dnssec: true });
    assert.equal(signed.answers.some((r) => r[3] === 'RRSIG'), true);

    await lab.kill();
    let refused = false;
    try {
      await api('');
    } catch {
      refused = true;
    }
    assert.equal(refused, true);
    await lab.restart();
    assert.deepEqual(dig(lab, 'www.lab.test', 'A').values, ['192.0.2.10']);
  });
});
