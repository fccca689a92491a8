/**
 * SSH public keys typed or pasted into a text area, one per line: each must be an OpenSSH
 * public key line (`type base64 [comment]`). The server validates them again (wt-hosting); this
 * names the bad line before the round trip. A private key pasted by mistake is refused outright.
 */
const TYPES = ['ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'];
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export type KeyCheck = { ok: true; keys: string[] } | { ok: false; line: number; reason: 'private' | 'format' };

export function parseKeys(text: string): KeyCheck {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return { ok: false, line: 1, reason: 'private' };
  const keys: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    const [type, body] = line.split(/\s+/);
    if (!type || !TYPES.includes(type) || !body || !BASE64.test(body) || body.length < 60) return { ok: false, line: i + 1, reason: 'format' };
    keys.push(line);
  }
  return { ok: true, keys: [...new Set(keys)] };
}
