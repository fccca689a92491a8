import { ProvisioningError } from '@mpanel/sdk';

/** Hestia's exit codes (func/main.sh), by name: the API answers them as text with `returncode=yes`. */
export const HESTIA = {
  OK: 0, ARGS: 1, INVALID: 2, NOTEXIST: 3, EXISTS: 4, SUSPENDED: 5, UNSUSPENDED: 6, INUSE: 7, LIMIT: 8,
  PASSWORD: 9, FORBIDEN: 10, DISABLED: 11, PARSING: 12, DISK: 13, LA: 14, CONNECT: 15, FTP: 16, DB: 17, RRD: 18, UPDATE: 19, RESTART: 20,
} as const;

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(HESTIA).map(([name, code]) => [code, `E_${name}`]));

/**
 * A Hestia exit code as the ProvisioningError the platform acts on, with a message that says what
 * to do instead of "Module Command Error 9" (JosephChuks/HestiaCP-WHMCS-Module#3). `what` names the
 * command's object ("user alice on web2"); callers handle the codes that mean success for them
 * (5 on suspend, 6 on unsuspend, 3 on delete) before calling this.
 */
export function errorForExitCode(code: number, cmd: string, what: string, detail?: unknown): ProvisioningError {
  const name = NAMES[code] ?? `exit code ${code}`;
  const say = (text: string) => `${cmd} for ${what} failed (${name}): ${text}`;
  const opts = { detail: { cmd, exitCode: code, ...(detail ? { detail } : {}) } };
  switch (code) {
    case HESTIA.ARGS:
    case HESTIA.INVALID:
      return new ProvisioningError(say('Hestia rejected an argument (username, e-mail, password of at least 8 characters, domain format): correct it and retry'), 'INVALID_INPUT', opts);
    case HESTIA.NOTEXIST:
      return new ProvisioningError(say('it does not exist on the server'), 'NOT_FOUND', opts);
    case HESTIA.EXISTS:
      return new ProvisioningError(say('it already exists on the server and belongs to another account: pick another name or import that account'), 'ALREADY_EXISTS', opts);
    case HESTIA.SUSPENDED:
      return new ProvisioningError(say('the user is suspended on the server: unsuspend it first'), 'CONFLICT', opts);
    case HESTIA.INUSE:
      return new ProvisioningError(say('it is still used by another object on the server'), 'CONFLICT', opts);
    case HESTIA.LIMIT:
      return new ProvisioningError(say("the Hestia package's limit is reached: raise the package's limits or upgrade the plan"), 'CAPACITY', opts);
    case HESTIA.DISK:
      return new ProvisioningError(say('the server is out of disk space: free space or move the account'), 'CAPACITY', opts);
    case HESTIA.PASSWORD:
      return new ProvisioningError(say('Hestia refused the password (too weak or wrong)'), 'INVALID_INPUT', opts);
    case HESTIA.FORBIDEN:
      return new ProvisioningError(say("the API key may not run this command: give the key the 'admin' permission set in Hestia"), 'AUTH', opts);
    case HESTIA.DISABLED:
      return new ProvisioningError(say('that subsystem (web, DNS, mail) is disabled on the server'), 'UNSUPPORTED', opts);
    case HESTIA.LA:
      return new ProvisioningError(say('the server is too busy (load average limit): retried later'), 'REMOTE_UNAVAILABLE', opts);
    case HESTIA.CONNECT:
    case HESTIA.FTP:
    case HESTIA.DB:
      return new ProvisioningError(say('a service the command needs on the server is not reachable'), 'UNREACHABLE', opts);
    case HESTIA.RESTART:
      // The change is written; only the service restart failed: observe before redoing it.
      return new ProvisioningError(say('a service restart failed on the server after the change'), 'REMOTE_ERROR', { ...opts, retryable: true, ambiguous: true });
    default:
      return new ProvisioningError(say("see Hestia's log (/var/log/hestia/error.log)"), 'REMOTE_ERROR', opts);
  }
}
