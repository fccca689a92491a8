import assert from 'node:assert/strict';
import { trimReply, REPLY_ABOVE } from '../src/mail/trim.ts';
import { isAutomated } from '../src/mail/automated.ts';
import { baseAddress, replyAddress, ticketNumberOf } from '../src/mail/reply-address.ts';
import { cleanFilename, contentDisposition, safeContentType } from '../src/attachments/policy.ts';
import { renderCanned } from '../src/tickets/canned.ts';

const headers = (h: Record<string, string>) => (name: string) => h[name.toLowerCase()];

describe('support mail parsing helpers', () => {
  it('trims quoted history and signatures, keeps a reply written under the quote', () => {
    assert.equal(trimReply('Thanks!\n\nOn Mon, 7 Dec 2026 at 09:30, Support <s@x.test> wrote:\n> old text\n'), 'Thanks!');
    assert.equal(trimReply('Danke\n\nAm 07.12.2026 um 09:30 schrieb Support <s@x.test>:\n> alt'), 'Danke');
    assert.equal(trimReply(`New text\n\n${REPLY_ABOVE}\n\nStaff answer`), 'New text');
    assert.equal(trimReply('Hi\r\n-- \r\nGrace\r\nCTO'), 'Hi');
    assert.equal(trimReply('Yes\n\n-----Original Message-----\nFrom: a'), 'Yes');
    assert.equal(trimReply('ok\n\nSent from my iPhone'), 'ok');
    assert.equal(trimReply('> quoted only\n> more'), '> quoted only\n> more', 'a mail of only quote keeps its text');
  });

  it('recognises automated mail', () => {
    assert.equal(isAutomated(headers({ 'auto-submitted': 'auto-replied' }), 'a@b.test'), true);
    assert.equal(isAutomated(headers({ 'auto-submitted': 'no' }), 'a@b.test'), false);
    assert.equal(isAutomated(headers({ precedence: 'list' }), 'a@b.test'), true);
    assert.equal(isAutomated(headers({ 'x-autoreply': 'yes' }), 'a@b.test'), true);
    assert.equal(isAutomated(headers({}), ''), true, 'a bounce (null sender)');
    assert.equal(isAutomated(headers({}), 'person@b.test'), false);
  });

  it('signs reply addresses; a changed number or token is refused', () => {
    const address = replyAddress('Support@Acme.test', 'k1', 42);
    const { base, tag } = baseAddress(address);
    assert.equal(base, 'support@acme.test');
    assert.equal(ticketNumberOf(tag!, 'k1'), 42);
    assert.equal(ticketNumberOf(tag!.replace(/^42/, '43'), 'k1'), null);
    assert.equal(ticketNumberOf(tag!, 'other-key'), null);
    assert.equal(ticketNumberOf('42', 'k1'), null);
  });

  it('serves files with a safe type and name', () => {
    assert.equal(safeContentType('page.html'), 'application/octet-stream');
    assert.equal(safeContentType('x.svg'), 'application/octet-stream');
    assert.equal(safeContentType('a.PNG'), 'image/png');
    assert.equal(cleanFilename('../../etc/pa"ss\nwd.txt'), 'passwd.txt');
    assert.match(contentDisposition('résumé "x".pdf'), /^attachment; filename="r_sum_ _x_.pdf"; filename\*=UTF-8''r%C3%A9sum%C3%A9%20%22x%22.pdf$/);
  });

  it('fills canned placeholders and leaves unknown ones visible', () => {
    const v = { 'client.name': 'Ada L', 'client.firstName': 'Ada', 'client.email': 'a@x', 'ticket.number': '7', 'ticket.subject': 'S', 'department.name': 'D', 'staff.name': 'Bob' };
    assert.equal(renderCanned('Hi {{ client.firstName }}, #{{ticket.number}} {{nope.x}} – {{staff.name}}', v), 'Hi Ada, #7 {{nope.x}} – Bob');
  });
});
