import { X509Certificate } from 'node:crypto';
import { get as httpsGet } from 'node:https';
import * as acme from 'acme-client';

export type ChallengeType = 'http-01' | 'dns-01';

/** Puts and removes what the CA checks: a token file (http-01) or a TXT value (dns-01). */
export interface ChallengeSolver {
  /** `name` is the identifier the CA validates (`example.com` for `*.example.com`); `value` is what it expects to find. */
  create(input: { name: string; token: string; value: string }): Promise<void>;
  remove(input: { name: string; token: string; value: string }): Promise<void>;
}

export interface AcmeAccount {
  directoryUrl: string;
  accountKeyPem: string;
  accountUrl?: string | null;
  email?: string | null;
  eab?: { kid: string; hmacKey: string } | null;
}

export interface Issued {
  certPem: string;
  keyPem: string;
  accountUrl: string;
  notBefore: Date;
  notAfter: Date;
  serial: string;
  issuer: string;
}

export function createAccountKey(): Promise<string> {
  return acme.crypto.createPrivateEcdsaKey().then((k) => k.toString());
}

/**
 * One ACME order (HOSTING.md §4.3): account (created on first use, EAB for ZeroSSL), order, one
 * challenge per authorization through `solver`, finalize, download. acme-client's own pre-check
 * is skipped (it uses the system resolver and port 80): mPanel's pre-flight ran before, and the CA
 * decides. acme-client retries Pebble's/the CA's `badNonce` answers itself.
 */
export async function issueCertificate(account: AcmeAccount, names: string[], type: ChallengeType, solver: ChallengeSolver, signal?: AbortSignal): Promise<Issued> {
  const client = new acme.Client({
    directoryUrl: account.directoryUrl,
    accountKey: account.accountKeyPem,
    ...(account.accountUrl ? { accountUrl: account.accountUrl } : {}),
    ...(account.eab ? { externalAccountBinding: { kid: account.eab.kid, hmacKey: account.eab.hmacKey } } : {}),
    backoffAttempts: 12, backoffMin: 500, backoffMax: 5000,
  });
  const [key, csr] = await acme.crypto.createCsr({ commonName: names[0]!, altNames: names });
  const certPem = await client.auto({
    csr,
    ...(account.email ? { email: account.email } : {}),
    termsOfServiceAgreed: true,
    challengePriority: [type],
    skipChallengeVerification: true,
    challengeCreateFn: async (authz, challenge, keyAuthorization) => {
      if (signal?.aborted) throw new Error('Stopped: the issuing job was cancelled');
      await solver.create({ name: authz.identifier.value, token: challenge.token, value: keyAuthorization });
    },
    challengeRemoveFn: async (authz, challenge, keyAuthorization) => {
      await solver.remove({ name: authz.identifier.value, token: challenge.token, value: keyAuthorization });
    },
  });
  const leaf = new X509Certificate(certPem.split(/(?<=-----END CERTIFICATE-----)/)[0]!.trim());
  return {
    certPem, keyPem: key.toString(), accountUrl: client.getAccountUrl(),
    notBefore: new Date(leaf.validFrom), notAfter: new Date(leaf.validTo), serial: leaf.serialNumber,
    issuer: leaf.issuer.split('\n').find((l) => l.startsWith('CN='))?.slice(3) ?? leaf.issuer,
  };
}

/**
 * Is the CA's directory there? acme-client turns a refused connection into "Cannot read properties
 * of undefined", so the directory is fetched first (Node's https: NODE_EXTRA_CA_CERTS applies)
 * and a network error keeps its code (ECONNREFUSED, ENOTFOUND, a certificate problem).
 */
export function probeDirectory(url: string, timeoutMs = 10_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = httpsGet(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) resolve();
      else reject(new Error(`the directory ${url} answered HTTP ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error(`ETIMEDOUT: no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', (err) => reject(new Error(`${url}: ${err.message}`)));
  });
}

/**
 * The CA's answer in plain words first, its own message after: what to do, then what it said.
 * acme-client throws the problem document's `detail` (Pebble/Let's Encrypt), sometimes prefixed.
 */
export function plainError(err: unknown): string {
  const raw = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim().slice(0, 1500);
  const m = raw.toLowerCase();
  let hint = '';
  if (/econnrefused|enotfound|eai_again|econnreset|etimedout|self[- ]signed|unable to verify the first certificate|unable to get local issuer|the directory .* answered http/.test(m)) {
    // Node's own network/TLS codes: mPanel did not reach the CA (the CA's validation errors are words, not codes).
    hint = 'mPanel could not reach the CA\'s directory: check the directory URL (and its TLS certificate); mPanel retries later by itself.';
  } else if (/could not resolve|nxdomain|no valid a records|servfail|dns problem|no such host/.test(m)) {
    hint = 'The CA could not look up the name in DNS: make sure its A/AAAA record exists and points at the site\'s server.';
  } else if (/ratelimit|rate limit|too many/.test(m)) {
    hint = 'The CA\'s rate limit was reached: mPanel retries later by itself.';
  } else if (/incorrect txt|no txt record|txt record/.test(m)) {
    hint = 'The CA did not find the expected _acme-challenge TXT record: check that the zone is served by mPanel\'s DNS.';
  } else if (/unauthorized|invalid response|404|connection refused|timeout|connect/.test(m)) {
    hint = 'The CA could not fetch the challenge from the site: check that the name points at this server and that port 80 is open.';
  } else if (/cannot read properties of undefined/.test(m)) {
    hint = 'The connection to the CA broke off during the order (the ACME client gave no details): mPanel retries later by itself.';
  } else if (/externalaccountbinding|eab|external account/.test(m)) {
    hint = 'The CA requires external account binding: set the EAB key id and HMAC key in the SSL settings.';
  }
  return hint ? `${hint} (CA said: ${raw})` : raw;
}
