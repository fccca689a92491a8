import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, chmodSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEnv } from '../../agent/src/ops/types.ts';
import { killPid, need, pidOf, waitFor } from './processes.ts';

/**
 * A private mail stack for tests (HOSTING.md §7.4): Postfix (`postfix -c <dir>`, own queue and data
 * directories, smtpd on `smtpPort`, submission with SASL through Dovecot on `submissionPort`),
 * Dovecot (`dovecot -c`, IMAP and LMTP on loopback ports, own base_dir) and OpenDKIM as Postfix's
 * milter. Lives inside a hosting lab's dir (short paths) and adds `env.mail`; never touches the
 * machine's own Postfix/Dovecot/OpenDKIM. Throws when a package is missing (.ci/services/mail.sh).
 */
export interface MailLab {
  env: AgentEnv;
  smtpPort: number;
  submissionPort: number;
  imapPort: number;
  /** IMAP over TLS (993's stand-in): serves once the agent installed the server's certificate (mail.tls.install). */
  imapsPort: number;
  pop3Port: number;
  lmtpPort: number;
  /** Stops the private Dovecot only (a fault: "Dovecot down during a change"); Postfix keeps queueing. */
  stopDovecot(): Promise<void>;
  /** Starts it again after stopDovecot(), on the same config and ports. */
  startDovecot(): Promise<void>;
  stop(): Promise<void>;
}

const portOpen = (port: number) => spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' }).status === 0;

export async function startMailLab(env: AgentEnv, dir: string, opts: { portBase: number }): Promise<MailLab> {
  const postfix = need('/usr/sbin/postfix', 'mail');
  const dovecot = need('/usr/sbin/dovecot', 'mail');
  const opendkim = need('/usr/sbin/opendkim', 'mail');
  const b = opts.portBase;
  const pop3Port = b + 110;
  const smtpPort = b + 25, submissionPort = b + 87, imapPort = b + 43, lmtpPort = b + 24, authPort = b + 12, milterPort = b + 91, policyPort = b + 92, internalPort = b + 26;
  // No TLS until the agent installs the server's certificate (mail.tls.install), as on a fresh server.
  const imapsPort = b + 193;
  const d = (...p: string[]) => join(dir, 'mail', ...p);
  for (const sub of ['pf', 'pfspool', 'pfdata', 'maps', 'dc/run', 'dc/state', 'dc/passwd', 'dkim/keys', 'dkim/run']) mkdirSync(d(sub), { recursive: true, mode: 0o755 });
  const dkimUser = execFileSync('id', ['-u', 'opendkim']).toString().trim();
  const dkimGroup = execFileSync('id', ['-g', 'opendkim']).toString().trim();
  chownSync(d('dkim/run'), Number(dkimUser), Number(dkimGroup));
  chownSync(d('pfdata'), Number(execFileSync('id', ['-u', 'postfix']).toString()), Number(execFileSync('id', ['-g', 'postfix']).toString()));
  for (const f of ['vdomains', 'vmailboxes', 'valiases', 'vbounce']) writeFileSync(d('maps', f), '');
  writeFileSync(d('dkim/KeyTable'), '');
  writeFileSync(d('dkim/SigningTable'), '');

  writeFileSync(d('pf/main.cf'), `compatibility_level = 3.6
queue_directory = ${d('pfspool')}
data_directory = ${d('pfdata')}
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mail.mpanel-lab.test
mydomain = mpanel-lab.test
myorigin = $myhostname
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
relayhost = [127.0.0.1]:${b + 199}
maillog_file = ${d('maillog')}
maillog_file_prefixes = /run, /tmp, /var
smtpd_banner = $myhostname ESMTP
biff = no
smtp_dns_support_level = disabled
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access texthash:${d('maps/vbounce')}
virtual_mailbox_domains = texthash:${d('maps/vdomains')}
virtual_mailbox_maps = texthash:${d('maps/vmailboxes')}
virtual_alias_maps = texthash:${d('maps/valiases')}
virtual_transport = lmtp:inet:127.0.0.1:${lmtpPort}
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:${authPort}
smtpd_milters = inet:127.0.0.1:${milterPort}
non_smtpd_milters = $smtpd_milters
milter_default_action = tempfail
`);
  writeFileSync(d('pf/master.cf'), `127.0.0.1:${smtpPort} inet n - n - - smtpd
127.0.0.1:${submissionPort} inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
  -o smtpd_end_of_data_restrictions=check_policy_service,inet:127.0.0.1:${policyPort}
127.0.0.1:${internalPort} inet n - n - - smtpd
  -o syslog_name=postfix/internal
  -o smtpd_relay_restrictions=permit_mynetworks,reject
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
local unix - n n - - local
virtual unix - n n - - virtual
lmtp unix - - n - - lmtp
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
tlsmgr unix - - n 1000? 1 tlsmgr
`);

  writeFileSync(d('dc/dovecot.conf'), `base_dir = ${d('dc/run')}
state_dir = ${d('dc/state')}
instance_name = mpanel-${b}
protocols = imap pop3 lmtp
listen = 127.0.0.1
log_path = ${d('dc/dovecot.log')}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1000
mail_plugins = quota
lmtp_rcpt_check_quota = yes
postmaster_address = postmaster@mpanel-lab.test
submission_host = 127.0.0.1:${internalPort}
passdb {
  driver = passwd-file
  args = username_format=%u ${d('dc/passwd')}/%d
}
userdb {
  driver = passwd-file
  args = username_format=%u ${d('dc/passwd')}/%d
}
plugin {
  quota = maildir:User quota
  quota_status_success = DUNNO
  sieve = file:~/sieve;active=~/.dovecot.sieve
}
protocol lmtp {
  mail_plugins = $mail_plugins sieve
}
protocol imap {
  mail_plugins = $mail_plugins imap_quota
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${imapsPort}
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = ${pop3Port}
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
service auth {
  inet_listener {
    address = 127.0.0.1
    port = ${authPort}
  }
}
`);

  writeFileSync(d('dkim/opendkim.conf'), `Syslog no
UserID opendkim:opendkim
Socket inet:${milterPort}@127.0.0.1
PidFile ${d('dkim/run/opendkim.pid')}
Mode sv
Canonicalization relaxed/relaxed
KeyTable file:${d('dkim/KeyTable')}
SigningTable refile:${d('dkim/SigningTable')}
InternalHosts 127.0.0.1
OversignHeaders From
`);

  env.mail = {
    postfixBin: postfix,
    postfixConfDir: d('pf'),
    mapsDir: d('maps'),
    dovecotConf: d('dc/dovecot.conf'),
    passwdDir: d('dc/passwd'),
    dkim: { dir: d('dkim'), pidFile: d('dkim/run/opendkim.pid'), user: 'opendkim', bin: opendkim, confFile: d('dkim/opendkim.conf') },
  };

  const stopDovecot = async () => {
    await killPid(pidOf(d('dc/run/master.pid')));
    await waitFor('dovecot stopped', () => !portOpen(imapPort) && !portOpen(lmtpPort));
  };
  const startDovecot = async () => {
    if (spawnSync(dovecot, ['-c', d('dc/dovecot.conf')], { stdio: 'ignore' }).status !== 0) throw new Error(`dovecot did not start: ${readFileSync(d('dc/dovecot.log'), 'utf8').slice(-1500)}`);
    await waitFor('dovecot imap', () => portOpen(imapPort));
  };
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e: Error) => console.error(`mail lab: ${e.message}`));
  };
  try {
    // The sending-limit policy service, as the agent runs it (a process of its own: a test blocked in
    // spawnSync(curl) must not block the service Postfix waits on). Its env.json points it at the lab state.
    writeFileSync(join(env.stateDir!, 'env.json'), JSON.stringify({ stateDir: env.stateDir, homeRoot: env.homeRoot, userPrefix: env.userPrefix, mail: env.mail }));
    const policy = spawn(process.execPath, [join(import.meta.dirname, '../../agent/bin/mpanel-agent.js'), 'mail-policy', '--port', String(policyPort), '--state-dir', env.stateDir!], { stdio: ['ignore', 'ignore', 'inherit'] });
    stops.push(async () => { policy.kill('SIGTERM'); await new Promise((resolve) => (policy.exitCode !== null ? resolve(null) : policy.once('exit', resolve))); });
    await waitFor('mail policy service', () => portOpen(policyPort));
    execFileSync(postfix, ['-c', d('pf'), 'check'], { stdio: 'pipe' });
    // Daemons keep inherited pipes open: started with no pipes, errors are in their logs.
    if (spawnSync(postfix, ['-c', d('pf'), 'start'], { stdio: 'ignore' }).status !== 0) throw new Error(`postfix did not start: ${readFileSync(d('maillog'), 'utf8').slice(-1500)}`);
    stops.push(async () => { spawnSync(postfix, ['-c', d('pf'), 'stop']); await killPid(pidOf(d('pfspool/pid/master.pid'))); });
    execFileSync('/usr/bin/doveconf', ['-c', d('dc/dovecot.conf'), '-n'], { stdio: 'pipe' });
    await startDovecot();
    stops.push(stopDovecot);
    if (spawnSync(opendkim, ['-x', d('dkim/opendkim.conf')], { stdio: 'ignore' }).status !== 0) throw new Error('opendkim did not start');
    stops.push(() => killPid(pidOf(d('dkim/run/opendkim.pid'))));
    await waitFor('postfix smtpd', () => portOpen(smtpPort));
    await waitFor('dovecot imap', () => portOpen(imapPort));
    await waitFor('dovecot pop3', () => portOpen(pop3Port));
    await waitFor('opendkim', () => portOpen(milterPort));
    chmodSync(d('dc/passwd'), 0o755);
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, smtpPort, submissionPort, imapPort, imapsPort, pop3Port, lmtpPort, stopDovecot, startDovecot, stop };
}
