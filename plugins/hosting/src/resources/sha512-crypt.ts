import { createHash, randomInt } from 'node:crypto';

/**
 * SHA-512-crypt (`$6$`, Ulrich Drepper's specification), the hash format Linux shadow files and
 * `chpasswd -e` take: the agent writes it as is, so the SFTP password never travels or rests in
 * clear. (argon2 is not understood by PAM on Debian; libxcrypt reads `$6$`.)
 */
const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ROUNDS = 5000; // the default: no `rounds=` in the output

const sha512 = (...parts: Buffer[]) => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** `src` repeated to `length` bytes. */
function stretch(src: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += src.length) src.copy(out, i, 0, Math.min(src.length, length - i));
  return out;
}

function encode(bytes: Buffer): string {
  let out = '';
  const put = (b2: number, b1: number, b0: number, n: number) => {
    let w = (b2 << 16) | (b1 << 8) | b0;
    for (let i = 0; i < n; i++, w >>= 6) out += ITOA64[w & 0x3f];
  };
  for (let j = 0; j < 21; j++) {
    const t = [bytes[j]!, bytes[j + 21]!, bytes[j + 42]!];
    const r = j % 3; // the specification rotates each triple
    put(t[r]!, t[(r + 1) % 3]!, t[(r + 2) % 3]!, 4);
  }
  put(0, 0, bytes[63]!, 2);
  return out;
}

export function sha512Crypt(password: string, salt: string): string {
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 16), 'utf8');
  const b = sha512(p, s, p);
  const a = createHash('sha512').update(p).update(s).update(stretch(b, p.length));
  for (let n = p.length; n > 0; n >>= 1) a.update(n & 1 ? b : p);
  let c = a.digest();
  const pSeq = stretch(sha512(...Array<Buffer>(p.length).fill(p)), p.length);
  const sSeq = stretch(sha512(...Array<Buffer>(16 + c[0]!).fill(s)), s.length);
  for (let i = 0; i < ROUNDS; i++) {
    const h = createHash('sha512');
    h.update(i & 1 ? pSeq : c);
    if (i % 3) h.update(sSeq);
    if (i % 7) h.update(pSeq);
    h.update(i & 1 ? c : pSeq);
    c = h.digest();
  }
  return `$6$${s.toString('utf8')}$${encode(c)}`;
}

/** A `$6$` hash with a fresh 16-character salt. */
export function hashSftpPassword(password: string): string {
  const salt = Array.from({ length: 16 }, () => ITOA64[randomInt(64)]).join('');
  return sha512Crypt(password, salt);
}
