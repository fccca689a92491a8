import { closeSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';

/**
 * Unpacks a PGlite data-directory dump (an uncompressed ustar archive: files and directories) into
 * `dir`, streaming through one small buffer. PGlite's own `loadDataDir` holds the whole archive in
 * memory two or three times over and peaks ~200 MB above opening the unpacked directory, which is
 * what a first start on a 1 GB VPS cannot spend. Throws on anything that is not a well-formed
 * archive of regular files and directories inside `dir` (the caller falls back to initdb).
 */
export function untarInto(file: string, dir: string): void {
  const fd = openSync(file, 'r');
  const header = Buffer.alloc(512);
  const chunk = Buffer.alloc(1 << 20);
  let position = 0;
  let entries = 0;
  try {
    for (;;) {
      if (readSync(fd, header, 0, 512, position) !== 512) throw new Error('truncated archive');
      position += 512;
      if (header.every((b) => b === 0)) break; // end of archive
      if (header.toString('latin1', 257, 262) !== 'ustar') throw new Error('not a ustar archive');
      if (parseInt(field(header, 148, 8).trim(), 8) !== checksum(header)) throw new Error('bad header checksum');
      const name = field(header, 345, 155) ? `${field(header, 345, 155)}/${field(header, 0, 100)}` : field(header, 0, 100);
      const size = parseInt(field(header, 124, 12) || '0', 8);
      const type = String.fromCharCode(header[156]!);
      const target = normalize(join(dir, name));
      if (target !== normalize(dir) && !target.startsWith(normalize(dir) + sep)) throw new Error(`entry outside the directory: ${name}`);
      if (type === '5') {
        mkdirSync(target, { recursive: true, mode: 0o700 });
      } else if (type === '0' || type === '\0') {
        mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
        copyRange(fd, position, size, target, chunk);
        position += Math.ceil(size / 512) * 512;
      } else {
        throw new Error(`unsupported entry type ${JSON.stringify(type)} for ${name}`);
      }
      entries++;
    }
    if (!entries) throw new Error('empty archive');
  } finally {
    closeSync(fd);
  }
}

function field(header: Buffer, offset: number, length: number): string {
  return header.toString('latin1', offset, offset + length).replace(/\0.*$/s, '');
}

/** The header's sum of bytes with its checksum field counted as spaces. */
function checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  return sum;
}

function copyRange(fd: number, position: number, size: number, target: string, chunk: Buffer): void {
  const out = openSync(target, 'w', 0o600);
  try {
    for (let done = 0; done < size; ) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - done), position + done);
      if (n <= 0) throw new Error('truncated archive');
      writeSync(out, chunk, 0, n);
      done += n;
    }
  } finally {
    closeSync(out);
  }
}
