import assert from 'node:assert/strict';
import { exportZoneFile, parseZoneFile } from '../src/bind.ts';
import { RecordError, normalizeRecordSet, normalizeValue, normalizeZoneName, recordName } from '../src/records.ts';
import type { RecordSetRow } from '../src/store.ts';

const fails = (fn: () => unknown, field: string, message: RegExp) => {
  assert.throws(fn, (err: unknown) => err instanceof RecordError && err.field === field && message.test(err.message));
};

describe('dns record validation', () => {
  it('normalises values per type to presentation format', () => {
    assert.equal(normalizeValue('AAAA', '2001:DB8::1'), '2001:db8::1');
    assert.equal(normalizeValue('CNAME', 'Target.Example.com'), 'target.example.com.');
    assert.equal(normalizeValue('MX', '10   mail.example.com.'), '10 mail.example.com.');
    assert.equal(normalizeValue('MX', '0 .'), '0 .');
    assert.equal(normalizeValue('SRV', '10 5 5060 sip.example.com'), '10 5 5060 sip.example.com.');
    assert.equal(normalizeValue('CAA', '0 issue letsencrypt.org'), '0 issue "letsencrypt.org"');
    assert.equal(normalizeValue('CAA', '128 iodef "mailto:sec@example.com"'), '128 iodef "mailto:sec@example.com"');
    assert.equal(normalizeValue('TXT', 'say "hi"'), '"say \\"hi\\""');
    assert.equal(normalizeValue('TXT', '"already" "quoted"'), '"already" "quoted"');
    // Long TXT values are split into 255-character strings.
    const long = normalizeValue('TXT', 'x'.repeat(600));
    assert.deepEqual(long.split(' ').map((p) => p.length - 2), [255, 255, 90]);
  });

  it('refuses bad values with the field and a plain message', () => {
    fails(() => normalizeValue('A', '1.2.3', 'values[2]'), 'values[2]', /not an IPv4 address/);
    fails(() => normalizeValue('A', '::1'), 'values[0]', /IPv4/);
    fails(() => normalizeValue('AAAA', '1.2.3.4'), 'values[0]', /IPv6/);
    fails(() => normalizeValue('MX', '-1 mail.example.com'), 'values[0]', /MX priority/);
    fails(() => normalizeValue('SRV', '1 2 3'), 'values[0]', /SRV value must be/);
    fails(() => normalizeValue('CAA', '256 issue ca.test'), 'values[0]', /CAA flags/);
    fails(() => normalizeValue('CNAME', 'a b'), 'values[0]', /one host name/);
    fails(() => normalizeValue('NS', 'not_valid-.test'), 'values[0]', /not a valid DNS name/);
    fails(() => normalizeValue('TXT', '"a"b"'), 'values[0]', /unbalanced quotes/);
    // Text that merely starts with a quote is text: quoted and escaped.
    assert.equal(normalizeValue('TXT', '"half'), '"\\"half"');
    fails(() => normalizeValue('TXT', '   '), 'values[0]', /must not be empty/);
  });

  it('record names: relative, absolute, apex, wildcard, inside the zone only', () => {
    assert.equal(recordName('@', 'example.com'), 'example.com');
    assert.equal(recordName('WWW', 'example.com'), 'www.example.com');
    assert.equal(recordName('*.dev', 'example.com'), '*.dev.example.com');
    assert.equal(recordName('mail.example.com.', 'example.com'), 'mail.example.com');
    fails(() => recordName('mail.example.org.', 'example.com'), 'name', /not inside the zone/);
    fails(() => recordName('notexample.com.', 'example.com'), 'name', /not inside the zone/);
    fails(() => recordName('a..b', 'example.com'), 'name', /not a valid DNS name/);
    fails(() => recordName(`${'a'.repeat(64)}`, 'example.com'), 'name', /not a valid DNS name/);
  });

  it('record sets: TTL bounds, duplicates, CNAME rules, absurd sizes', () => {
    fails(() => normalizeRecordSet('example.com', { name: 'www', type: 'A', ttl: 59, values: ['192.0.2.1'] }), 'ttl', /from 60 to 604800/);
    fails(() => normalizeRecordSet('example.com', { name: 'www', type: 'A', ttl: 10 ** 9, values: ['192.0.2.1'] }), 'ttl', /from 60/);
    fails(() => normalizeRecordSet('example.com', { name: 'www', type: 'A', values: [] }), 'values', /at least one/);
    fails(() => normalizeRecordSet('example.com', { name: 'www', type: 'A', values: Array.from({ length: 101 }, (_, i) => `192.0.2.${i % 250}`) }), 'values', /at most 100/);
    fails(() => normalizeRecordSet('example.com', { name: 'www', type: 'AAAA', values: ['2001:db8::1', '2001:DB8::1'] }), 'values[1]', /same as another/);
    fails(() => normalizeRecordSet('example.com', { name: '@', type: 'CNAME', values: ['x.test'] }), 'name', /apex/);
    fails(() => normalizeRecordSet('example.com', { name: 'www', type: 'SOA' as never, values: ['x'] }), 'type', /must be one of/);
  });
});

describe('BIND zone files', () => {
  it('parses $ORIGIN, $TTL, blank owners, parentheses, comments and relative targets', () => {
    const sets = parseZoneFile([
      '$TTL 600',
      '@ IN SOA ns1 host ( 1 2 3',
      '  4 5 ) ; soa',
      'www IN A 192.0.2.1 ; comment',
      '    IN A 192.0.2.2',
      'txt IN TXT "a;b" ; the ; in quotes is text',
      '$ORIGIN sub.example.com.',
      'deep 300 CNAME www.example.com.',
      '@ MX 5 mx',
    ].join('\n'), 'example.com');
    const by = Object.fromEntries(sets.map((s) => [`${s.name} ${s.type}`, s]));
    assert.deepEqual(by['www.example.com A']!.values, ['192.0.2.1', '192.0.2.2']);
    assert.equal(by['www.example.com A']!.ttl, 600);
    assert.deepEqual(by['txt.example.com TXT']!.values, ['"a;b"']);
    assert.deepEqual([by['deep.sub.example.com CNAME']!.ttl, by['deep.sub.example.com CNAME']!.values], [300, ['www.example.com.']]);
    assert.deepEqual(by['sub.example.com MX']!.values, ['5 mx.sub.example.com.']);
    assert.equal(sets.length, 4);
  });

  it('names the line of what it refuses', () => {
    fails(() => parseZoneFile('www IN A 192.0.2.1\nx IN HINFO a b\n', 'example.com'), 'zoneFile', /line 2: record type "HINFO" is not supported/);
    fails(() => parseZoneFile('$INCLUDE /etc/passwd\n', 'example.com'), 'zoneFile', /line 1: \$INCLUDE is not supported/);
    fails(() => parseZoneFile('@ IN SOA a b ( 1 2\n', 'example.com'), 'zoneFile', /unclosed parenthesis/);
    fails(() => parseZoneFile('other.org. IN A 192.0.2.1\n', 'example.com'), 'zoneFile', /line 1: .*not inside the zone/);
    fails(() => parseZoneFile('   IN A 192.0.2.1\n', 'example.com'), 'zoneFile', /line 1: the first record has no name/);
  });

  it('export then import gives the same sets', () => {
    const rows = [
      { name: 'example.com', type: 'NS', ttl: 3600, values: ['ns1.host.test.', 'ns2.host.test.'] },
      { name: 'example.com', type: 'MX', ttl: 300, values: ['10 mail.example.com.'] },
      { name: 'www.example.com', type: 'CNAME', ttl: 3600, values: ['example.com.'] },
      { name: '_dmarc.example.com', type: 'TXT', ttl: 3600, values: ['"v=DMARC1; p=none"'] },
      { name: '*.dev.example.com', type: 'A', ttl: 60, values: ['192.0.2.9'] },
    ] as unknown as RecordSetRow[];
    const text = exportZoneFile('example.com', rows);
    const back = parseZoneFile(text, 'example.com');
    const key = (s: { name: string; type: string; ttl: number; values: string[] }) => `${s.name} ${s.type} ${s.ttl} ${s.values.join('|')}`;
    assert.deepEqual(back.map(key).sort(), rows.map(key).sort());
  });
});

describe('zone names', () => {
  it('internationalised names are stored in ASCII; bad ones are refused', () => {
    assert.equal(normalizeZoneName('Bücher.Example.'), 'xn--bcher-kva.example');
    assert.equal(normalizeZoneName('EXAMPLE.com'), 'example.com');
    fails(() => normalizeZoneName('com'), 'name', /at least two labels/);
    fails(() => normalizeZoneName('_dmarc.example.com'), 'name', /letters, digits and hyphens/);
    fails(() => normalizeZoneName('a..example'), 'name', /not a valid DNS name/);
  });
});
