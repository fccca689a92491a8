/**
 * The import screen's logic (admin/ImportView.vue): what the preview proposes per account, the
 * mappings staff's choices become, and the progress the job reports.
 */
export type ProposalAction = 'match' | 'create' | 'skip' | 'none';

export interface PreviewAccount {
  username: string;
  domain?: string;
  email?: string;
  status: 'active' | 'suspended';
  packageName?: string;
  proposal: { action: ProposalAction; clientId?: string; by?: string; email?: string; reason?: string };
}

export interface ImportProgress {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: { total: number; processed: number };
  counts: { imported: number; matched: number; created: number; skipped: number };
  report?: Array<{ username: string; outcome: 'imported' | 'skipped'; reason?: string }>;
  error?: string | null;
}

/** The mappings sent with the import: the accounts staff left out. */
export function mappingsOf(left: ReadonlySet<string>): Array<{ username: string; skip: true }> {
  return [...left].sort().map((username) => ({ username, skip: true }));
}

/** The preview's figures once staff left some accounts out (those are skipped, whatever was proposed). */
export function previewSummary(accounts: PreviewAccount[], left: ReadonlySet<string>): Record<ProposalAction, number> {
  const out: Record<ProposalAction, number> = { match: 0, create: 0, skip: 0, none: 0 };
  for (const a of accounts) out[left.has(a.username) ? 'skip' : a.proposal.action]++;
  return out;
}

/** 0–100 for the progress bar; a job that has not listed the server yet is at 0. */
export function percentDone(p: Pick<ImportProgress, 'progress' | 'status'>): number {
  if (p.status === 'succeeded') return 100;
  return p.progress.total > 0 ? Math.min(100, Math.round((p.progress.processed / p.progress.total) * 100)) : 0;
}

export const isFinished = (p: Pick<ImportProgress, 'status'>) => p.status === 'succeeded' || p.status === 'failed';

/** The server form's credentials for a panel module (Hestia's access key pair); the agent needs none. */
export function serverCredentials(values: Record<string, string | boolean>): Record<string, string> | undefined {
  const accessKey = typeof values.accessKey === 'string' ? values.accessKey.trim() : '';
  const secretKey = typeof values.secretKey === 'string' ? values.secretKey.trim() : '';
  return accessKey && secretKey ? { accessKey, secretKey } : undefined;
}
