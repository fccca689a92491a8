import { asValue } from 'awilix';
import type { CoreModule } from '../module.ts';
import type { RootContainer } from '../container.ts';
import { TenantResolver } from '../tenancy/tenant-resolver.ts';
import { DomainVerifier, networkProofSources } from '../tenancy/domain-verifier.ts';
import { AccessTokens } from './auth/access-tokens.ts';
import { Sessions } from './auth/sessions.ts';
import { LoginService } from './auth/login.ts';
import type { LoginThrottle } from './auth/login-throttle.ts';
import { createLoginThrottle } from './auth/throttle-setup.ts';
import { secretBoxes, type SecretBox } from '../crypto/secret-box.ts';
import { AuditLog } from './audit/audit-log.ts';
import { RolePermissions } from './roles/role-permissions.ts';
import { PrincipalLoader } from './principal/principal-loader.ts';
import { createUser, type UserAccounts } from './users/user-accounts.ts';
import { CORE_PERMISSIONS } from './permissions.ts';
import { authenticate } from './guards/authenticate.ts';
import { authorize } from './guards/authorize.ts';
import { seedFirstStart } from './seed.ts';
import { identityRoutes } from './routes.ts';

/** The root-container services of identity (names are the Awilix registration names). */
export interface IdentityCradle {
  tenantResolver: TenantResolver;
  accessTokens: AccessTokens;
  sessions: Sessions;
  loginService: LoginService;
  loginThrottle: LoginThrottle;
  /** Writes audit entries outside a request; in a request resolve `audit` from the scope. */
  auditLog: AuditLog;
  rolePermissions: RolePermissions;
  principalLoader: PrincipalLoader;
  userAccounts: UserAccounts;
  /** Encrypts TOTP secrets at rest. */
  totpBox: SecretBox;
  /** Checks a tenant's proof of a domain (DNS TXT record or HTTP token). */
  domainVerifier: DomainVerifier;
}

// Set at start, once the installation (its default tenant) is known.
const throttleNamespaces = new WeakMap<RootContainer, (installationId: string) => void>();

function registerServices(container: RootContainer): void {
  const { knex, config, permissionRegistry } = container.cradle;
  const auditLog = new AuditLog(knex);
  const accessTokens = new AccessTokens(config.jwtSecret);
  const sessions = new Sessions(knex, accessTokens, auditLog);
  const { throttle: loginThrottle, namespace } = createLoginThrottle(container);
  throttleNamespaces.set(container, namespace);
  const totpBox = secretBoxes(config).totpSecrets;
  const rolePermissions = new RolePermissions(knex, permissionRegistry);
  const services: IdentityCradle = {
    tenantResolver: new TenantResolver(knex),
    accessTokens,
    sessions,
    loginService: new LoginService(knex, sessions, auditLog, loginThrottle, totpBox, container.cradle.metrics.loginOutcome),
    loginThrottle,
    auditLog,
    rolePermissions,
    principalLoader: new PrincipalLoader(knex, rolePermissions),
    userAccounts: { createUser: (db, input) => createUser(db, input) },
    totpBox,
    domainVerifier: new DomainVerifier(networkProofSources(config.allowPrivateWebhookTargets)),
  };
  container.register(Object.fromEntries(Object.entries(services).map(([k, v]) => [k, asValue(v)])) as never);
  for (const p of CORE_PERMISSIONS) permissionRegistry.register('core', p);
}

/** Mirrors the registry into the `permissions` table (custom roles reference it). */
export async function syncPermissions(container: RootContainer): Promise<void> {
  const { knex, permissionRegistry } = container.cradle;
  const rows = permissionRegistry.list().map((p) => ({ name: p.name, description: p.description, owner: p.owner, updated_at: new Date() }));
  if (rows.length) await knex('permissions').insert(rows).onConflict('name').merge(['description', 'owner', 'updated_at']);
}

/** Identity, tenancy and RBAC: services, the two guards, first-start seeding and the routes. */
export const identityModule: CoreModule = {
  name: 'identity',
  register: registerServices,
  async start(container) {
    await syncPermissions(container);
    const installationId = await seedFirstStart(container);
    throttleNamespaces.get(container)?.(installationId);
    container.register({ installationId: asValue(installationId) } as never);
  },
  guards: (container) => [authenticate(container), authorize],
  routes: (container) => identityRoutes(container),
};

declare module '../container.ts' {
  interface CoreCradle extends IdentityCradle {
    /** The `default` tenant's id, known once identity has started: namespaces shared Redis keys. */
    installationId: string;
  }
}
