import assert from 'node:assert/strict';
import { wrapInLayout, textFooter } from '../src/render/layout.ts';
import { renderPart, validatePart, TemplateSyntaxError } from '../src/render/engine.ts';
import { languageChain } from '../src/render/render.ts';

/** The base layout and the engine on their own: brand values escaped and filtered, responsive markup, plain-text parts. */
describe('notifications: base layout and engine', () => {
  const brand = { name: 'Acme <Hosting>', logoUrl: 'https://cdn.acme.test/logo.png', colors: { primary: '#0a7f5a' }, footer: 'Acme Ltd\nMain St 1' };

  it('is responsive: viewport, a 600px container that shrinks, a media query', () => {
    const html = wrapInLayout('<p>x</p>', brand, 'de', 'Subject');
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(html, /class="mp-container" width="600"[^>]*style="width:600px;max-width:100%/);
    assert.match(html, /@media only screen and \(max-width: 620px\)/);
    assert.match(html, /<html lang="de">/);
  });

  it('applies the brand: logo, primary colour, footer lines; escapes the name', () => {
    const html = wrapInLayout('<p>x</p>', brand, 'en', 'S');
    assert.match(html, /<img src="https:\/\/cdn\.acme\.test\/logo\.png" alt="Acme &lt;Hosting&gt;"/);
    assert.match(html, /background:#0a7f5a/);
    assert.match(html, /Acme Ltd<br>Main St 1/);
    assert.ok(!html.includes('<Hosting>'));
    assert.equal(textFooter(brand), '\n\n--\nAcme Ltd\nMain St 1');
  });

  it('refuses what could smuggle markup or CSS: a non-https logo, a colour that is not one', () => {
    const html = wrapInLayout('', { name: 'X', logoUrl: 'javascript:alert(1)', colors: { primary: 'red;background:url(//evil)' } }, 'en', 'S');
    assert.ok(!html.includes('javascript:'));
    assert.ok(!html.includes('evil'));
    assert.match(html, /background:#2563eb/, 'the default colour');
    assert.match(html, /<span style="font-size:20px;font-weight:bold;color:#ffffff">X<\/span>/);
  });

  it('escapes values in HTML only; the subject never carries a line break', () => {
    assert.equal(renderPart('html', '<p>{{name}}</p>', { name: '<b>&' }), '<p>&lt;b&gt;&amp;</p>');
    assert.equal(renderPart('text', 'Hi {{name}}', { name: '<b>&' }), 'Hi <b>&');
    assert.equal(renderPart('subject', 'Re: {{name}}', { name: 'a\r\nBcc: x@evil.test' }), 'Re: a Bcc: x@evil.test');
    assert.equal(renderPart('html', '{{constructor.name}}', {}), '', 'no prototype access');
  });

  it('validation: raw output and syntax errors are refused with the part named', () => {
    assert.throws(() => validatePart('html', '{{{x}}}', {}), (e: unknown) => e instanceof TemplateSyntaxError && e.part === 'html');
    assert.throws(() => validatePart('html', '{{& x}}', {}), TemplateSyntaxError);
    assert.throws(() => validatePart('text', '{{#each x}}', {}), TemplateSyntaxError);
    assert.throws(() => validatePart('text', '{{lookup . "x"}}{{unknownHelper x}}', {}), TemplateSyntaxError, 'no helpers beyond the built-ins');
    validatePart('text', '{{{x}}}', {}); // plain text may use it: nothing is escaped there anyway
  });

  it('language chain: the recipient\'s language, its base, then English', () => {
    assert.deepEqual(languageChain('de-AT'), ['de-AT', 'de', 'en']);
    assert.deepEqual(languageChain(null), ['en']);
  });
});
