/**
 * OpenSSH public keys as `authorized_keys` lines: `<type> <base64 blob> [comment]`, nothing else.
 * Options (`command=`, `from=`) and line breaks are refused: a key line is written into the file
 * as is, and an option or a second line would be a way to run commands as the account.
 */
const TYPES = new Set([
  'ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com',
]);
const MIN_RSA_BITS = 2048;

/** Reads the SSH wire format's length-prefixed strings. */
function fields(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < blob.length;) {
    if (at + 4 > blob.length) throw new Error('truncated');
    const len = blob.readUInt32BE(at);
    if (at + 4 + len > blob.length) throw new Error('truncated');
    out.push(blob.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return out;
}

function rsaBits(modulus: Buffer): number {
  let i = 0;
  while (i < modulus.length && modulus[i] === 0) i++;
  return i === modulus.length ? 0 : (modulus.length - i - 1) * 8 + Math.floor(Math.log2(modulus[i]!)) + 1;
}

/** Why the line is not an acceptable public key, or null. */
export function sshKeyProblem(line: string): string | null {
  if (/[\r\n\0]/.test(line)) return 'must be one line';
  const [type, data, ...comment] = line.trim().split(/\s+/);
  if (!type || !TYPES.has(type)) return `must start with a key type (${[...TYPES].join(', ')}); options are not allowed`;
  if (!data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return 'has no base64 key data';
  if (comment.join(' ').length > 200) return 'has a comment longer than 200 characters';
  let parts: Buffer[];
  try {
    parts = fields(Buffer.from(data, 'base64'));
  } catch {
    return 'is not a valid key (truncated data)';
  }
  if (parts[0]?.toString('latin1') !== type) return 'key data does not match its type';
  if (type === 'ssh-ed25519' && parts[1]?.length !== 32) return 'is not a valid Ed25519 key';
  if (type === 'ssh-rsa' && rsaBits(parts[2] ?? Buffer.alloc(0)) < MIN_RSA_BITS) return `RSA keys need at least ${MIN_RSA_BITS} bits`;
  return null;
}

/** The keys normalised (`type data comment`, single spaces), or the per-index problems. */
export function normaliseKeys(lines: string[]): { keys: string[]; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const keys = lines.map((line, i) => {
    const problem = sshKeyProblem(line);
    if (problem) problems[`authorizedKeys[${i}]`] = problem;
    return line.trim().split(/\s+/).join(' ');
  });
  return { keys: [...new Set(keys)], problems };
}
