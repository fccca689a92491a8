/** `GET /hosting-accounts/:id/mail-usage` as the API answers it. */
export interface MailUsage {
  mailboxes: Array<{ mailboxId: string; address: string; quotaMb: number; observed: boolean; usageMb: number | null; usageBytes: number | null }>;
  note: string | null;
}

export interface MailboxUsageRow { mailboxId: string; address: string; quotaMb: number; usedMb: number | null; percent: number | null; over: boolean }

/** One bar per mailbox: the share of its quota in use (capped at 100 for the bar), over at 90 %. */
export function mailboxUsageRows(u: MailUsage): { rows: MailboxUsageRow[]; note: string | null } {
  return {
    note: u.note,
    rows: u.mailboxes.map((m) => {
      const usedMb = m.usageMb === null ? null : Math.round(m.usageMb * 10) / 10;
      const share = m.usageMb === null || m.quotaMb <= 0 ? null : (m.usageMb / m.quotaMb) * 100;
      return { mailboxId: m.mailboxId, address: m.address, quotaMb: m.quotaMb, usedMb, percent: share === null ? null : Math.min(100, Math.round(share)), over: share !== null && share >= 90 };
    }),
  };
}
