/** The line staff mails start with: whatever the client writes under it is the quoted history. */
export const REPLY_ABOVE = '##- Please type your reply above this line -##';

const CUTS: RegExp[] = [
  /^##- Please type your reply above this line -##/m,
  // Gmail, Apple Mail, Thunderbird: "On Mon, 7 Dec 2026 at 09:00, Support <s@x> wrote:" (may wrap onto a second line).
  /^On\b[^\n]{0,200}(\n[^\n]{0,200})?\bwrote:\s*$/m,
  /^Am\b[^\n]{0,200}(\n[^\n]{0,200})?\bschrieb[^\n]{0,50}:\s*$/m,
  /^-{2,}\s*Original Message\s*-{2,}/im,
  // Outlook: a "From:" header block after a separator or a blank line.
  /^_{5,}\s*$/m,
  /^From: [^\n]+\n(Sent|Date): /m,
  // Signatures: the standard "-- " delimiter, and mobile footers.
  /^-- ?$/m,
  /^Sent from my (iPhone|iPad|Android|mobile)/im,
];

/**
 * The new text of a reply: everything from the first quote header, separator or signature on is
 * dropped, then trailing `>` quoted lines. A mail that would become empty keeps its text (a reply
 * written below the quote is still a reply).
 */
export function trimReply(text: string): string {
  const normalised = text.replace(/\r\n/g, '\n');
  let end = normalised.length;
  for (const cut of CUTS) {
    const m = cut.exec(normalised);
    if (m && m.index < end) end = m.index;
  }
  const lines = normalised.slice(0, end).split('\n');
  while (lines.length && (/^\s*>/.test(lines[lines.length - 1]!) || !lines[lines.length - 1]!.trim())) lines.pop();
  const out = lines.join('\n').trim();
  return out || normalised.trim();
}
