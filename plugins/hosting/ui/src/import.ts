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

/** Staff's client for one account: an existing client (with a label to show), or a new client from its e-mail. */
export type ClientChoice = { clientId: string; label: string } | { newClient: true };

/** One entry of the API's `mappings`. */
export type ImportMapping = { username: string; skip: true } | { username: string; clientId: string } | { username: string; newClient: true };

/**
 * The mappings sent with the preview and the import: the accounts staff left out, and the client
 * staff chose for others (a left-out account stays out whatever client was chosen).
 */
export function mappingsOf(left: ReadonlySet<string>, chosen: ReadonlyMap<string, ClientChoice> = new Map()): ImportMapping[] {
  const names = [...new Set([...left, ...chosen.keys()])].sort();
  return names.map((username): ImportMapping => {
    const choice = chosen.get(username);
    if (left.has(username) || !choice) return { username, skip: true };
    return 'clientId' in choice ? { username, clientId: choice.clientId } : { username, newClient: true };
  });
}

/** What happens to one account once staff's choices are counted (the server confirms them at the next preview). */
export function effectiveAction(a: PreviewAccount, left: ReadonlySet<string>, chosen: ReadonlyMap<string, ClientChoice> = new Map()): ProposalAction {
  if (left.has(a.username)) return 'skip';
  // Accounts the import cannot take (already in mPanel, a name mPanel refuses) stay skipped whatever is chosen.
  if (a.proposal.action === 'skip') return 'skip';
  const choice = chosen.get(a.username);
  if (!choice) return a.proposal.action;
  if ('clientId' in choice) return 'match';
  return a.email ? 'create' : 'none';
}

/** The preview's figures once staff left some accounts out and chose clients for others. */
export function previewSummary(accounts: PreviewAccount[], left: ReadonlySet<string>, chosen: ReadonlyMap<string, ClientChoice> = new Map()): Record<ProposalAction, number> {
  const out: Record<ProposalAction, number> = { match: 0, create: 0, skip: 0, none: 0 };
  for (const a of accounts) out[effectiveAction(a, left, chosen)]++;
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
