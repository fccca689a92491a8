import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
// eslint-disable-next-line no-restricted-imports
import { CLI, cliEnv, run, tempDataDir } from '../../../../core/test/support/cli-process.ts';
// eslint-disable-next-line no-restricted-imports
import { openDatabase, pgliteDir } from '../../../../core/src/db/connect.ts';
// eslint-disable-next-line no-restricted-imports
import { SecretBox } from '../../../../core/src/crypto/secret-box.ts';
// eslint-disable-next-line no-restricted-imports
import { parseKeys } from '../../../../core/src/crypto/keyring.ts';
import type { ImportPanel } from './panels.ts';

/** The shell-safe form of an argument for `script -c` (ids, dates, e-mails and paths here). */
const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * `mpanel hosting:import` as a user runs it (a child `node bin/mpanel.js` on its own DATA_DIR)
 * against a panel fake: bad arguments and a user without `hosting-imports.run` get one clear line
 * and queue nothing; 500 accounts are imported with the progress bar drawn on a terminal (the run
 * goes through `script`, so stderr is a TTY as in a shell), and a rerun imports none.
 */
export function cliImportSuite(makePanel: () => ImportPanel): void {
  const fake = makePanel();
  describe(`mpanel hosting:import (plugin CLI command, ${fake.label} fake)`, function () {
    this.timeout(300_000);
    const data = tempDataDir();
    const KEYS = `k1:${randomBytes(32).toString('base64')}`;
    const env = cliEnv({ DATA_DIR: data.dir, NODE_ENV: 'development', MPANEL_ENCRYPTION_KEYS: KEYS, MPANEL_ALLOW_PRIVATE_TARGETS: 'true' });
    const mpanel = (...args: string[]) => run(process.execPath, [CLI, ...args], env);
    /** On a pseudo-terminal: stdout and stderr together, as a shell shows them. */
    const onTerminal = (...args: string[]) => run('script', ['-qefc', [process.execPath, CLI, ...args].map(quote).join(' '), '/dev/null'], env);
    const serverId = randomUUID();
    const productId = randomUUID();
    const slug = `cli-${fake.module}`;
    let adminId = '';
    const count = async (table: string) => {
      const db = await openDatabase({ dataDir: pgliteDir(data.dir) });
      try {
        return Number(((await db.knex(table).count({ n: '*' })) as Array<{ n: string }>)[0]!.n);
      } finally {
        await db.close();
      }
    };

    before(async () => {
      await fake.start();
      for (let i = 1; i <= 500; i++) fake.seed(`cli${String(i).padStart(4, '0')}`, { email: `cli${i}@owners.example`, domain: `cli${i}.example.org` });
      // A first run migrates the DATA_DIR's database; the tenant, its users, catalogue and server are then written as the owner.
      const first = await mpanel('hosting:import', '--product', randomUUID(), '--next-due', '2027-01-01');
      assert.equal(first.code, 1, first.stderr);
      const db = await openDatabase({ dataDir: pgliteDir(data.dir) });
      try {
        const [tenant] = (await db.knex('tenants').insert({ name: 'Acme', slug }).returning('id')) as Array<{ id: string }>;
        const tenantId = tenant!.id;
        const role = async (name: string) => ((await db.knex('roles').whereNull('tenant_id').where({ name }).first('id')) as { id: string }).id;
        for (const [email, roleName] of [['admin@acme.example', 'admin'], ['manager@acme.example', 'manager']] as const) {
          const [user] = (await db.knex('users').insert({ tenant_id: tenantId, email, password_hash: 'unused' }).returning('id')) as Array<{ id: string }>;
          await db.knex('user_roles').insert({ tenant_id: tenantId, user_id: user!.id, role_id: await role(roleName) });
          if (roleName === 'admin') adminId = user!.id;
        }
        // Custom roles: one granted hosting-imports.run, one only servers.write (the permission rows as the server's boot writes them).
        await db.knex('permissions').insert([{ name: 'hosting-imports.run', owner: 'hosting' }, { name: 'servers.write', owner: 'hosting' }]).onConflict('name').ignore();
        for (const [email, permission] of [['importer@acme.example', 'hosting-imports.run'], ['keeper@acme.example', 'servers.write']] as const) {
          const [custom] = (await db.knex('roles').insert({ tenant_id: tenantId, name: email.split('@')[0], level: 2, is_system: false }).returning('id')) as Array<{ id: string }>;
          await db.knex('role_permissions').insert({ tenant_id: tenantId, role_id: custom!.id, permission });
          const [user] = (await db.knex('users').insert({ tenant_id: tenantId, email, password_hash: 'unused' }).returning('id')) as Array<{ id: string }>;
          await db.knex('user_roles').insert({ tenant_id: tenantId, user_id: user!.id, role_id: custom!.id });
        }
        const [plan] = (await db.knex('hosting_plans').insert({ tenant_id: tenantId, name: 'imported', limits: JSON.stringify({ diskMb: 1000, sites: 1, databases: 1, phpVersions: ['8.2'], phpMaxChildren: 2, memoryMb: 256 }) }).returning('id')) as Array<{ id: string }>;
        await db.knex('products').insert({ id: productId, tenant_id: tenantId, name: `${fake.label} hosting`, type: 'hosting', provisioning: JSON.stringify({ module: 'hosting', config: { planId: plan!.id } }) });
        await db.knex('product_prices').insert({ tenant_id: tenantId, product_id: productId, currency: 'USD', cycle: 'monthly', amount: 700 });
        // Sealed as the hosting plugin seals a server's credentials (ctx.secrets: plugin, field and tenant bound).
        const box = new SecretBox({ keys: parseKeys(KEYS) }, 'mpanel:plugin-secrets');
        const credentials = box.seal(JSON.stringify(fake.credentials()), { tenantId, field: `hosting.sealed:servers.credentials:${serverId}` });
        await db.knex('servers').insert({ id: serverId, tenant_id: tenantId, name: fake.module, hostname: `${fake.module}.example.net`, module: fake.module, address: '127.0.0.1', port: fake.port(), status: 'online', credentials });
      } finally {
        await db.close();
      }
    });
    after(async () => {
      await fake.stop();
      data.remove();
    });

    const importArgs = (...extra: string[]) => ['hosting:import', '--server', serverId, '--product', productId, '--next-due', '2027-01-15', '--country', 'DE', '--tenant', slug, ...extra];

    it('is registered and refuses a missing --server, a malformed --next-due and an unknown server with one line each', async () => {
      const res = await mpanel('hosting:import', '--product', randomUUID(), '--next-due', '2027-01-01');
      assert.equal(res.code, 1, res.stderr);
      assert.equal(res.stdout, '');
      assert.equal(res.stderr, "hosting:import: --server <id> is required (the server's id, a UUID)\n");
      const bad = await mpanel('hosting:import', '--server', randomUUID(), '--product', randomUUID(), '--next-due', '01/02/2027', '--as', 'admin@acme.example');
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr, 'hosting:import: --next-due <YYYY-MM-DD> is required\n');
      const unknown = randomUUID();
      const missing = await mpanel('hosting:import', '--server', unknown, '--product', randomUUID(), '--next-due', '2027-01-01', '--as', 'admin@acme.example');
      assert.equal(missing.code, 1);
      assert.equal(missing.stderr, `hosting:import: no server ${unknown}\n`);
    });

    it('needs --as a staff user holding hosting-imports.run: none, an unknown one and a manager are refused, nothing is queued or asked of the panel', async () => {
      const requests = fake.requests();
      const none = await mpanel(...importArgs());
      assert.equal(none.code, 1);
      assert.equal(none.stderr, 'hosting:import: --as <email> is required (a staff user holding hosting-imports.run, recorded as who started the import)\n');
      const unknown = await mpanel(...importArgs('--as', 'nobody@acme.example'));
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stderr, `hosting:import: no active staff user nobody@acme.example in tenant "${slug}"\n`);
      const manager = await mpanel(...importArgs('--as', 'manager@acme.example'));
      assert.equal(manager.code, 1);
      assert.equal(manager.stderr, 'hosting:import: manager@acme.example may not import: the permission hosting-imports.run is missing (403)\n');
      const keeper = await mpanel(...importArgs('--as', 'keeper@acme.example'));
      assert.equal(keeper.code, 1);
      assert.equal(keeper.stderr, 'hosting:import: keeper@acme.example may not import: the permission hosting-imports.run is missing (403)\n');
      assert.equal(await count('hosting_imports'), 0);
      assert.equal(fake.requests(), requests, 'no request reached the panel');
    });

    it('a custom role granted hosting-imports.run may import (here: creating no clients, so every account is left for staff)', async () => {
      const res = await mpanel(...importArgs('--as', 'importer@acme.example', '--no-create-clients'));
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stdout, 'Imported 0 (0 onto existing clients, 0 with new clients), skipped 500\n');
      assert.deepEqual([await count('hosting_imports'), await count('hosting_accounts'), await count('clients')], [1, 0, 0]);
    });

    it('imports 500 accounts with a progress bar on a terminal, and a second run imports none', async () => {
      const first = await onTerminal(...importArgs('--as', 'ADMIN@acme.example'));
      assert.equal(first.code, 0, first.stdout + first.stderr);
      // cli-progress draws "{bar} {value}/{total} {label}" on stderr when it is a terminal.
      assert.match(first.stdout, /[█░]+ 500\/500 500 imported, 0 skipped/);
      assert.match(first.stdout, /Imported 500 \(0 onto existing clients, 500 with new clients\), skipped 0\r?\n/);
      const second = await mpanel(...importArgs('--as', 'admin@acme.example'));
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout, 'Imported 0 (0 onto existing clients, 0 with new clients), skipped 500\n');
      assert.equal(second.stderr, '', 'no bar when stderr is not a terminal');
      assert.deepEqual([await count('hosting_accounts'), await count('services'), await count('clients'), await count('invoices'), await count('provisioning_operations')], [500, 500, 500, 0, 0]);
      const db = await openDatabase({ dataDir: pgliteDir(data.dir) });
      try {
        const rows = (await db.knex('hosting_imports').where('started_by', 'like', `cli:user:${adminId}`).orderBy('created_at').select('started_by', 'status')) as Array<{ started_by: string; status: string }>;
        assert.deepEqual(rows, [{ started_by: `cli:user:${adminId}`, status: 'succeeded' }, { started_by: `cli:user:${adminId}`, status: 'succeeded' }]);
      } finally {
        await db.close();
      }
      assert.equal(fake.mutations(), 0, 'nothing was run on the panel');
    });
  });
}
