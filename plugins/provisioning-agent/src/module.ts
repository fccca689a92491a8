import {
  ProvisioningError, type DesiredResource, type ObservedAccount, type ObservedResource, type OperationContext, type ProvisioningCall,
  type ProvisioningModule, type ProvisioningResult, type ResourceKind, type ServerCall,
} from '@mpanel/sdk';
import type { OpResult, OpTransport } from './job-channel.ts';

/** Which op ensures / removes each resource kind the agent manages, and the params key it carries. */
const RESOURCE_OPS: Partial<Record<ResourceKind, { ensure: string; remove: string; param: string }>> = {
  site: { ensure: 'site.ensure', remove: 'site.remove', param: 'site' },
  database: { ensure: 'db.ensure', remove: 'db.remove', param: 'database' },
  sftpUser: { ensure: 'sftp.ensure', remove: 'sftp.remove', param: 'sftp' },
  cron: { ensure: 'cron.ensure', remove: 'cron.remove', param: 'cron' },
  mailDomain: { ensure: 'mail.domain.ensure', remove: 'mail.domain.remove', param: 'mailDomain' },
  mailbox: { ensure: 'mailbox.ensure', remove: 'mailbox.remove', param: 'mailbox' },
  mailAlias: { ensure: 'mail.alias.ensure', remove: 'mail.alias.remove', param: 'mailAlias' },
};

export interface AgentModuleOptions {
  /** The transport for a server: pull (the daemon) by default, SSH for agentless servers. */
  transportFor(call: ServerCall): OpTransport;
}

/**
 * The `mpanel-agent` ProvisioningModule: every call becomes one agent op (contract §4). The op's
 * steps go to the operation's log; a failed op becomes a ProvisioningError with the agent's code.
 */
export function createAgentModule(options: AgentModuleOptions): ProvisioningModule {
  const run = async (call: ServerCall, op: string, params: unknown, operation?: OperationContext): Promise<unknown> => {
    const result = await options.transportFor(call)(call, op, params, operation);
    logSteps(operation, op, result);
    if (result.ok) return result.observed;
    throw new ProvisioningError(result.message ?? `${op} failed on ${call.server.name ?? call.server.hostname}`, result.code ?? 'REMOTE_ERROR', {
      ...(result.retryable !== undefined ? { retryable: result.retryable } : {}),
      detail: { op, steps: result.steps },
    });
  };
  const username = (call: ProvisioningCall): string => {
    const name = call.account.username;
    if (!name) throw new ProvisioningError('The hosting account has no username yet: the hosting plugin generates one before provisioning', 'INVALID_INPUT');
    return name;
  };
  const plan = (call: ProvisioningCall) => call.plan ?? null;
  const ensure = async (call: ProvisioningCall, state: 'active' | 'suspended', reason?: string): Promise<ProvisioningResult> => {
    const observed = (await run(call, 'account.ensure', { username: username(call), state, plan: plan(call), ...(reason ? { reason } : {}) }, call.operation)) as Record<string, unknown> | undefined;
    return { ok: true, username: username(call), ...(observed ? { remote: observed } : {}) };
  };
  const observe = async (call: ProvisioningCall): Promise<ObservedAccount> =>
    ((await run(call, 'account.observe', { username: username(call) }, call.operation)) as ObservedAccount | undefined) ?? { exists: false };

  return {
    displayName: 'mpanel-agent',
    capabilities: { changePassword: false, sso: false, listAccounts: false, usage: true, resources: Object.keys(RESOURCE_OPS) as ResourceKind[] },
    async testConnection(call) {
      try {
        const facts = (await run(call, 'server.facts', {})) as Record<string, unknown> | undefined;
        return { ok: true, message: 'The agent answered', ...(facts ? { facts, version: typeof facts.agentVersion === 'string' ? facts.agentVersion : undefined } : {}) };
      } catch (err) {
        return { ok: false, message: (err as Error).message };
      }
    },
    observe,
    create: (call) => ensure(call, 'active'),
    suspend: (call, reason) => ensure(call, 'suspended', reason),
    unsuspend: (call) => ensure(call, 'active'),
    async terminate(call) {
      await run(call, 'account.remove', { username: username(call) }, call.operation);
      return { ok: true };
    },
    async changePackage(call) {
      // Keep what the server has (a suspended account stays suspended with its new limits).
      const current = await observe(call);
      if (!current.exists) throw new ProvisioningError(`Account ${username(call)} does not exist on ${call.server.name ?? call.server.hostname}: create it before changing its plan`, 'NOT_FOUND');
      return ensure(call, current.status ?? 'active');
    },
    async usage(call) {
      return ((await run(call, 'usage.collect', {})) as Array<{ username: string; usage: Record<string, unknown> }> | undefined) ?? [];
    },
    certificates: {
      async putChallenge(call, input) {
        await run(call, 'acme.token.put', { siteId: input.siteId, token: input.token, keyAuthorization: input.keyAuthorization }, call.operation);
      },
      async removeChallenge(call, input) {
        await run(call, 'acme.token.delete', { siteId: input.siteId, token: input.token }, call.operation);
      },
      async install(call, input) {
        await run(call, 'cert.install', { username: username(call), siteId: input.siteId, domain: input.domain, certPem: input.certPem, keyPem: input.keyPem, ...(input.forceHttps !== undefined ? { forceHttps: input.forceHttps } : {}) }, call.operation);
      },
      // The server's own names (its mail services): Postfix and Dovecot serve the pair after a validated reload.
      async installServer(call, input) {
        const observed = (await run(call, 'mail.tls.install', { names: input.names, certPem: input.certPem, keyPem: input.keyPem })) as { changed?: boolean } | undefined;
        return { changed: observed?.changed === true };
      },
    },
    resources: {
      async ensure(call, desired: DesiredResource): Promise<ObservedResource> {
        const ops = RESOURCE_OPS[desired.kind];
        if (!ops) throw new ProvisioningError(`mpanel-agent does not manage ${desired.kind} resources yet`, 'UNSUPPORTED');
        const observed = await run(call, ops.ensure, { username: username(call), [ops.param]: desired }, call.operation);
        return isObservedResource(observed) ? observed : { kind: desired.kind, id: desired.id, exists: true, state: desired.state };
      },
      async remove(call, ref) {
        const ops = RESOURCE_OPS[ref.kind];
        if (!ops) throw new ProvisioningError(`mpanel-agent does not manage ${ref.kind} resources yet`, 'UNSUPPORTED');
        await run(call, ops.remove, { username: username(call), kind: ref.kind, id: ref.id, ...removeParams(ref) }, call.operation);
      },
      async observe(call, refs) {
        const observed = (await run(call, 'observe', { username: username(call), ...(refs ? { refs } : {}) }, call.operation)) as { resources?: ObservedResource[] } | undefined;
        return observed?.resources ?? [];
      },
    },
  };
}

/** The id under the name each remove op of contract §4 reads it by. */
function removeParams(ref: { kind: ResourceKind; id: string }): Record<string, string> {
  switch (ref.kind) {
    case 'site': return { siteId: ref.id };
    case 'cron': return { cronId: ref.id };
    case 'database': return { databaseId: ref.id };
    case 'sftpUser': return { sftpId: ref.id };
    case 'mailDomain': return { mailDomainId: ref.id };
    case 'mailbox': return { mailboxId: ref.id };
    case 'mailAlias': return { aliasId: ref.id };
    default: return {};
  }
}

function isObservedResource(v: unknown): v is ObservedResource {
  return typeof v === 'object' && v !== null && typeof (v as ObservedResource).kind === 'string' && typeof (v as ObservedResource).exists === 'boolean';
}

function logSteps(operation: OperationContext | undefined, op: string, result: OpResult): void {
  if (!operation) return;
  for (const s of result.steps ?? []) operation.step(`${op}: ${s.name}`, { ok: s.ok, ...(s.ms !== undefined ? { ms: s.ms } : {}), ...(s.detail ? { detail: s.detail } : {}) });
  if (!result.ok && (result.steps ?? []).length === 0) operation.step(op, { ok: false, ...(result.message ? { detail: result.message } : {}) });
}
