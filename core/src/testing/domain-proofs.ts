import { asValue } from 'awilix';
import { DomainVerifier } from '../tenancy/domain-verifier.ts';
import type { TestServer } from './test-server.ts';

/** What the test's "internet" answers when a domain claim is checked. */
export interface FakeDomainProofs {
  /** TXT records by name. */
  txt: Map<string, string[]>;
  /** Bodies by URL. */
  http: Map<string, string>;
  /** Every URL fetched. */
  fetched: string[];
}

/** Replaces the server's DNS and HTTP proof lookups with maps the test fills. */
export function fakeDomainProofs(server: TestServer): FakeDomainProofs {
  const proofs: FakeDomainProofs = { txt: new Map(), http: new Map(), fetched: [] };
  const verifier = new DomainVerifier({
    resolveTxt: async (name) => (proofs.txt.get(name) ?? []).map((record) => [record]),
    fetchText: async (url) => {
      proofs.fetched.push(url);
      const body = proofs.http.get(url);
      if (body === undefined) throw new Error('HTTP 404');
      return body;
    },
  });
  server.running.platform.container.register({ domainVerifier: asValue(verifier) } as never);
  return proofs;
}
