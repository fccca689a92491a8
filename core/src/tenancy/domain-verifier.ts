import { resolveTxt } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, SsrfError } from '../webhooks/ssrf-guard.ts';

/** Where proofs are looked up; tests answer for DNS and HTTP. */
export interface DomainProofSources {
  resolveTxt(name: string): Promise<string[][]>;
  /** The body of a GET (first KB), or a rejection; no redirects are followed. */
  fetchText(url: string): Promise<string>;
}

export type ProofMethod = 'dns' | 'http';

/** What the tenant publishes to prove control of `domain`. */
export function proofInstructions(domain: string, token: string) {
  return {
    dns: { type: 'TXT', name: `_mpanel-verification.${domain}`, value: `mpanel-verification=${token}` },
    http: { url: `http://${domain}/.well-known/mpanel-verification/${token}`, body: token },
  };
}

/**
 * Checks a domain claim: a TXT record `_mpanel-verification.<domain>` = `mpanel-verification=<token>`,
 * or the token served at `http://<domain>/.well-known/mpanel-verification/<token>`.
 */
export class DomainVerifier {
  constructor(private readonly sources: DomainProofSources) {}

  /** The method that proved the claim, or undefined. */
  async prove(domain: string, token: string, methods: ProofMethod[] = ['dns', 'http']): Promise<ProofMethod | undefined> {
    const expected = proofInstructions(domain, token);
    for (const method of methods) {
      if (method === 'dns') {
        const records = await this.sources.resolveTxt(expected.dns.name).catch(() => [] as string[][]);
        if (records.some((chunks) => chunks.join('').trim() === expected.dns.value)) return 'dns';
      } else {
        const body = await this.sources.fetchText(expected.http.url).catch(() => '');
        if (body.trim() === token) return 'http';
      }
    }
    return undefined;
  }
}

/** The real sources: the system resolver, and a plain GET that never reaches a private address. */
export function networkProofSources(allowPrivate: boolean, timeoutMs = 5_000): DomainProofSources {
  return {
    resolveTxt: (name) => resolveTxt(name),
    fetchText: (url) => {
      const target = new URL(url);
      const literal = target.hostname.replace(/^\[|\]$/g, '');
      if (!allowPrivate && isIP(literal) && isPrivateAddress(literal)) return Promise.reject(new SsrfError(`Refusing to connect to private address ${literal}`));
      return new Promise((resolve, reject) => {
        const req = httpRequest(target, { method: 'GET', headers: { 'user-agent': 'mPanel-DomainVerification/1' }, lookup: guardedLookup(allowPrivate), timeout: timeoutMs }, (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return reject(new Error(`HTTP ${res.statusCode}`));
          }
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < 1024) text += chunk;
          });
          res.on('end', () => resolve(text.slice(0, 1024)));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end();
      });
    },
  };
}
