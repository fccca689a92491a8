import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import { cleanBranding } from '../../../core/src/ui/branding-source.ts';
import { MAX_IMAGE_BYTES, checkImage, isEmailAddress, isSafeHttpsUrl, isSenderName } from '../src/validate.ts';
import { brandProblems, mailGuidance } from '../src/routes.ts';
import { PNG_1x1 } from './support.ts';

describe('white-label validation', () => {
  it('accepts only https URLs that cannot break out of an attribute', () => {
    for (const ok of ['https://acme.example/logo.png', 'https://cdn.acme.example/a/b.png?v=1']) assert.ok(isSafeHttpsUrl(ok), ok);
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'http://acme.example/x.png', 'data:image/png;base64,AAAA', 'https://u:p@acme.example/x', 'https://x.example/a"onerror=1', 'https://x.example/a b', '//evil.example/x', `https://x.example/${'a'.repeat(2000)}`]) {
      assert.ok(!isSafeHttpsUrl(bad), bad);
    }
  });

  it('checks images by their bytes and size', () => {
    assert.ok('data' in checkImage('image/png', PNG_1x1.toString('base64')));
    assert.match((checkImage('image/svg+xml', Buffer.from('<svg/>').toString('base64')) as { error: string }).error, /SVG/);
    assert.ok('error' in checkImage('image/jpeg', PNG_1x1.toString('base64')), 'a PNG declared as JPEG');
    assert.ok('error' in checkImage('image/png', Buffer.concat([PNG_1x1, Buffer.alloc(MAX_IMAGE_BYTES)]).toString('base64')), 'too large');
    assert.ok('error' in checkImage('image/png', '!!!!'), 'not base64');
    assert.ok('error' in checkImage('image/png', ''), 'empty');
  });

  it('refuses sender names and addresses that would forge headers', () => {
    assert.ok(isSenderName('Acme Cloud Support'));
    for (const bad of ['Acme\r\nBcc: x@y.z', 'Acme "Support"', 'Acme <x@y.z>', '  ']) assert.ok(!isSenderName(bad), JSON.stringify(bad));
    assert.ok(isEmailAddress('support@acme.example'));
    for (const bad of ['support@acme', 'a b@acme.example', 'support@acme.example\r\nBcc: x@y.z', '@acme.example']) assert.ok(!isEmailAddress(bad), JSON.stringify(bad));
  });

  it('names every bad field of a brand', () => {
    assert.deepEqual(Object.keys(brandProblems({ colors: { primary: 'url(x)', surface: '#fff' }, logoUrl: 'javascript:x', legalLinks: [{ label: 'T', url: 'http://x.example' }] })).sort(), ['colors.primary', 'legalLinks.0.url', 'logoUrl']);
    assert.deepEqual(brandProblems({ name: 'Acme', colors: { primary: '#0a7f5a' } }), {});
    assert.equal(mailGuidance(null), null);
    assert.match(mailGuidance('a@Acme.Example')!.spf, /acme\.example/);
  });

  it("core keeps a provider's unsafe extra fields out of the page", () => {
    const clean = cleanBranding({
      name: 'X', logoUrl: null, colors: {},
      faviconUrl: 'javascript:alert(1)', logoDarkUrl: 'https://ok.example/d.png', fontFamily: 'x; background: url(evil)', theme: '../evil',
      legalLinks: [{ label: 'ok', url: 'https://ok.example/t' }, { label: 'bad', url: 'javascript:alert(1)' }],
      mailFrom: { name: 'Evil\r\nBcc: a@b.c', address: 'x@y.z' },
    });
    assert.equal(clean.faviconUrl, undefined);
    assert.equal(clean.logoDarkUrl, 'https://ok.example/d.png');
    assert.equal(clean.fontFamily, undefined);
    assert.equal(clean.theme, undefined);
    assert.deepEqual(clean.legalLinks, [{ label: 'ok', url: 'https://ok.example/t' }]);
    assert.equal(clean.mailFrom, undefined);
  });

  it("core passes only colour tokens with a plain name and a colour value to the page (no other CSS through a provider)", () => {
    const clean = cleanBranding({
      name: 'X', logoUrl: null,
      colors: {
        primary: '#0a7f5a', surface: 'rgb(1, 2, 3)', text: 'red; background: url(https://evil.example/x)', accent: 'url(https://evil.example/x)',
        'x;--y': '#fff', 'Bad Token': '#fff', muted: 'expression(alert(1))', border: '#12345g',
      },
    });
    assert.deepEqual(clean.colors, { primary: '#0a7f5a', surface: 'rgb(1, 2, 3)' });
  });
});
