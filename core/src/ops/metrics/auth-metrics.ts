import { Counter, type Registry } from 'prom-client';

/** What the login service reports: a refused guess, a lock it set, an attempt refused by a lock. */
export type LoginOutcome = 'failed_password' | 'failed_2fa' | 'lockout' | 'refused_locked';

/** Login failures and lockouts of this instance (a spike is an attack; see ops/prometheus/alerts.yml). */
export function loginMetrics(registry: Registry): (outcome: LoginOutcome) => void {
  const failures = new Counter({ name: 'mpanel_login_failures_total', help: 'Failed logins by reason (password, 2fa, locked: refused while locked)', labelNames: ['reason'], registers: [registry] });
  const lockouts = new Counter({ name: 'mpanel_login_lockouts_total', help: 'Accounts locked after repeated failed logins', registers: [registry] });
  for (const reason of ['password', '2fa', 'locked']) failures.inc({ reason }, 0);
  lockouts.inc(0);
  return (outcome) => {
    if (outcome === 'lockout') lockouts.inc();
    else failures.inc({ reason: outcome === 'failed_password' ? 'password' : outcome === 'failed_2fa' ? '2fa' : 'locked' });
  };
}
