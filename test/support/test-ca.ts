import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away CA made with openssl for tests of certificate handling (no ACME involved): a root,
 * an intermediate, and leaf certificates for host names signed by the intermediate. `chainPem`
 * is what a server serves (leaf, then intermediate); `caPem` is the root to verify against.
 */
export interface TestCa {
  caPem: string;
  caFile: string;
  issue(names: string[], opts?: { days?: number }): { chainPem: string; leafPem: string; keyPem: string; serial: string };
  stop(): void;
}

export function startTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'test-ca-'));
  const f = (n: string) => join(dir, n);
  const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ssl(['req', '-x509', ...ecKey, '-keyout', 'root.key', '-out', 'root.pem', '-days', '7', '-subj', '/CN=mpanel test root',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  ssl(['req', ...ecKey, '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=mpanel test intermediate']);
  writeFileSync(f('int.cnf'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
  ssl(['x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'int.pem', '-days', '7', '-extfile', 'int.cnf']);
  let n = 0;
  return {
    caPem: readFileSync(f('root.pem'), 'utf8'),
    caFile: f('root.pem'),
    issue(names, opts = {}) {
      const id = `leaf${++n}`;
      ssl(['req', ...ecKey, '-keyout', `${id}.key`, '-out', `${id}.csr`, '-subj', `/CN=${names[0]}`]);
      writeFileSync(f(`${id}.cnf`), `subjectAltName=${names.map((x) => `DNS:${x}`).join(',')}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
      ssl(['x509', '-req', '-in', `${id}.csr`, '-CA', 'int.pem', '-CAkey', 'int.key', '-CAcreateserial', '-out', `${id}.pem`, '-days', String(opts.days ?? 2), '-extfile', `${id}.cnf`]);
      const leafPem = readFileSync(f(`${id}.pem`), 'utf8');
      return { leafPem, chainPem: leafPem + readFileSync(f('int.pem'), 'utf8'), keyPem: readFileSync(f(`${id}.key`), 'utf8'), serial: new X509Certificate(leafPem).serialNumber };
    },
    stop: () => rmSync(dir, { recursive: true, force: true }),
  };
}
