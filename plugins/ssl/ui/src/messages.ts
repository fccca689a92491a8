/** SSL's texts (English is the source locale). vue-i18n reserves `{ } @ |`: placeholders only. */
export const en = {
  nav: { certificates: 'SSL certificates' },
  ssl: {
    title: 'SSL certificates',
    intro: 'Certificates renew by themselves when a third of their lifetime is left. Failures are retried (1 hour, then up to once a day) and shown here with the reason.',
    names: 'Names', status: 'Status', expires: 'Expires', renews: 'Renews', lastError: 'Last error', challenge: 'Check', actions: '',
    nextAttempt: 'Next try', failures: 'Failures', none: 'No certificates yet.', renewNow: 'Renew now', renewing: 'Working…', delete: 'Delete',
    renewQueued: 'The renewal has started.', deleted: 'Certificate deleted.', requested: 'The certificate was requested; it is issued in the background.',
    request: 'Request a certificate', namesHint: 'One name per line: the website\'s domain and aliases (or *.example.com for a wildcard).',
    siteId: 'Website id (optional)', submit: 'Request', attention: 'Certificates needing attention', allClear: 'All certificates are fine.', open: 'Open certificates',
    health: {
      ok: 'Valid', pending: 'Waiting', failing: 'Failing', renewal_failing: 'Renewal failing', expiring: 'Expiring soon', expired: 'Expired',
    },
  },
};
