export interface Zone {
  id: string;
  name: string;
  clientId: string | null;
  nameservers: string[];
  publication: { state: 'pending' | 'published' | 'failed'; error: string | null; record: { name: string; type: string } | null; publishedAt: string | null };
  dnssec: { enabled: boolean; ds: string[] };
  createdAt: string;
}

export interface RecordSet {
  id: string;
  name: string;
  relativeName: string;
  type: string;
  ttl: number;
  values: string[];
  editable: boolean;
}

export interface Change {
  id: string;
  action: string;
  actor: string;
  name: string | null;
  type: string | null;
  before: unknown;
  after: unknown;
  createdAt: string;
}

export const CLIENT_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA'];
export const STAFF_TYPES = [...CLIENT_TYPES, 'NS', 'PTR'];

/** The API's error as text, and its per-field messages. */
export function problem(err: unknown): { message: string; fields: Record<string, string> } {
  const e = err as { message?: string; details?: Record<string, string> };
  return { message: e?.message ?? String(err), fields: e?.details ?? {} };
}
