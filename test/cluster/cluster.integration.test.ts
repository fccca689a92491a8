import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { CLI, REPO_ROOT, RUNNING_AT, ServerProcess, cliEnv, tempDataDir } from '../../core/test/support/cli-process.ts';
import { ownDatabase, type OwnDatabase } from '../../core/test/support/own-database.ts';
import { freePort } from '../../core/test/ops/free-port.ts';
import { testSockets } from '../../core/test/plugins/sockets.ts';
import { driveLoad, type LoadResult } from './load.ts';

const ADMIN = { email: 'admin@cluster.test', password: 'correct-horse-battery-staple' };
const PROBE = fileURLToPath(new URL('./fixtures/cluster-probe/', import.meta.url));

/**
 * Many instances, for real: two web instances and a worker (`mpanel start --role ...`) on one
 * PostgreSQL and Redis, behind a private nginx running the shipped `deploy/compose/nginx.conf`.
 * A bounded mixed load goes through nginx while one web instance and the worker are SIGKILLed and
 * a new worker starts; then a rolling restart of both web instances under load. What must hold:
 * no acknowledged write is lost, every event reaches the idempotent subscriber and takes effect
 * once, every workflow finishes with each step's effect applied once, a realtime message sent
 * through one instance reaches a client connected to the other, and no request accepted during
 * the rolling restart fails.
 */
describe('many instances behind nginx, under failure', function () {
  this.timeout(300_000);
  let db: OwnDatabase;
  let knex: Knex;
  let env: NodeJS.ProcessEnv;
  const webPorts: number[] = [];
  let nginxUrl: string;
  let nginx: ServerProcess;
  const processes = new Map<string, ServerProcess>();
  const nginxDir = tempDataDir();
  const sockets = testSockets();
  let token: string;

  async function start(name: string, role: 'web' | 'worker', port = 0): Promise<string> {
    const p = new ServerProcess(process.execPath, [CLI, 'start', '--role', role], { ...env, PORT: String(port) });
    processes.set(name, p);
    const [, url] = await p.waitFor(RUNNING_AT);
    return url!.replace('localhost', '127.0.0.1');
  }
  const kill = async (name: string, signal: NodeJS.Signals) => {
    await processes.get(name)!.stop(signal);
    processes.delete(name);
  };
  /** Polls an instance's readiness directly (not through nginx) until it answers 200. */
  const answersReady = async (port: number) => {
    for (let i = 0; i < 600; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/health/ready`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the instance on ${port} never became ready`);
  };
  const count = async (sql: string, bindings: string[] = []) => Number(((await knex.raw(sql, bindings)) as { rows: Array<{ n: number }> }).rows[0]!.n);

  before(async function () {
    assert.ok(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL, 'the cluster test runs on PostgreSQL and Redis');
    db = await ownDatabase();
    knex = knexFactory({ client: 'pg', connection: db.env.DATABASE_URL, pool: { min: 0, max: 2 } });
    const redis = new URL(process.env.TEST_REDIS_URL!);
    redis.pathname = `/${1 + (randomBytes(1)[0]! % 15)}`; // a Redis database of its own: the CLI uses the default queue prefix
    env = cliEnv({
      ...db.env, REDIS_URL: redis.toString(), HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'warn',
      JWT_SECRET: randomBytes(32).toString('hex'), MPANEL_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      MPANEL_ADMIN_EMAIL: ADMIN.email, MPANEL_ADMIN_PASSWORD: ADMIN.password, MPANEL_PLUGINS: PROBE,
      RATE_LIMIT_IP: '0', RATE_LIMIT_PRINCIPAL: '0', RATE_LIMIT_STRICT: '0', TRUST_PROXY: '1',
      // A killed worker's jobs and workflow runs are taken over within a second, not a minute.
      JOB_LEASE_MS: '1000', WORKFLOW_LEASE_MS: '1000', WORKFLOW_SWEEP_MS: '300',
    });
    // The worker first: it migrates alone; the web instances then find nothing to migrate.
    await start('worker', 'worker');
    webPorts.push(await freePort(), await freePort());
    await start('web1', 'web', webPorts[0]);
    await start('web2', 'web', webPorts[1]);
    nginxUrl = `http://127.0.0.1:${await startNginx()}`;

    const login = await fetch(`${nginxUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    assert.equal(login.status, 200, await login.clone().text());
    token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
  });

  /** nginx with the shipped site config, its upstreams pointed at our two web ports. */
  async function startNginx(): Promise<number> {
    const port = await freePort();
    const dir = nginxDir.dir;
    for (const sub of ['logs', 'tmp', 'conf']) mkdirSync(join(dir, sub), { recursive: true });
    const site = readFileSync(join(REPO_ROOT, 'deploy/compose/nginx.conf'), 'utf8')
      .replace(/server web1:2271/, `server 127.0.0.1:${webPorts[0]}`)
      .replace(/server web2:2271/, `server 127.0.0.1:${webPorts[1]}`)
      .replace(/listen 80;/, `listen 127.0.0.1:${port};`);
    assert.match(site, new RegExp(`127.0.0.1:${webPorts[1]}`), 'the shipped config names web1 and web2');
    writeFileSync(join(dir, 'conf/site.conf'), site);
    writeFileSync(
      join(dir, 'conf/nginx.conf'),
      `worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/logs/error.log warn; daemon off;
events { worker_connections 512; }
http { access_log ${dir}/logs/access.log;
  client_body_temp_path ${dir}/tmp/client_body; proxy_temp_path ${dir}/tmp/proxy; fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi; scgi_temp_path ${dir}/tmp/scgi;
  include ${dir}/conf/site.conf; }
`,
    );
    nginx = new ServerProcess('nginx', ['-p', dir, '-c', join(dir, 'conf/nginx.conf')], process.env);
    for (let i = 0; i < 100; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
      if (up) return port;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`nginx did not start: ${nginx.stderr}`);
  }

  after(async () => {
    if (process.env.CLUSTER_KEEP_LOG) writeFileSync(process.env.CLUSTER_KEEP_LOG, readFileSync(join(nginxDir.dir, 'logs/error.log')));
    sockets.closeAll();
    await nginx?.stop('SIGQUIT');
    for (const p of processes.values()) await p.stop('SIGKILL');
    await knex?.destroy();
    await db?.remove();
    nginxDir.remove();
  });

  it('a realtime message sent through one web instance reaches a client connected to the other', async () => {
    const socket = await sockets.open(`http://127.0.0.1:${webPorts[1]}`, token);
    const got = new Promise<{ n: number }>((resolve) => socket.on('cluster-probe:ping', resolve));
    const sent = await fetch(`http://127.0.0.1:${webPorts[0]}/api/v1/cluster-probe/pings`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ n: 42 }) });
    assert.equal(sent.status, 200, await sent.text());
    assert.deepEqual(await got, { n: 42 });
  });

  it('loses no acknowledged write, and delivers every event and finishes every workflow once, across SIGKILLs', async () => {
    const newWorker = { started: false };
    const load: LoadResult = await driveLoad({
      url: nginxUrl, token, requests: 240, concurrency: 6,
      // A third of the way in, a web instance and the worker die without warning; a new worker comes.
      async at(done) {
        if (done === 80) await Promise.all([kill('web1', 'SIGKILL'), kill('worker', 'SIGKILL')]);
        if (done === 120 && !newWorker.started) {
          newWorker.started = true;
          await start('worker2', 'worker');
        }
      },
    });
    assert.ok(load.acked.length > 150, `most writes were acknowledged (${load.acked.length}; failures: ${JSON.stringify(load.failures.slice(0, 5))})`);

    const acked = load.acked;
    const stored = new Set(((await knex('cluster_probe_notes').whereIn('id', acked).pluck('id')) as string[]));
    assert.deepEqual(acked.filter((id) => !stored.has(id)), [], 'every acknowledged write is stored');

    const notes = await count('SELECT count(*) AS n FROM cluster_probe_notes');
    const settled = async () =>
      (await count(`SELECT count(*) AS n FROM workflow_runs WHERE status <> 'succeeded'`)) === 0 &&
      (await count(`SELECT count(*) AS n FROM cluster_probe_effects WHERE key LIKE 'event:%'`)) === notes &&
      (await count(`SELECT count(*) AS n FROM workflow_runs`)) === notes;
    for (let i = 0; i < 600 && !(await settled()); i++) await new Promise((r) => setTimeout(r, 100));

    const runs = (await knex('workflow_runs').select('status').count({ n: '*' }).groupBy('status')) as Array<{ status: string; n: number }>;
    assert.deepEqual(runs.map((r) => [r.status, Number(r.n)]), [['succeeded', notes]], 'one finished run per stored write');
    assert.equal(await count(`SELECT count(*) AS n FROM cluster_probe_effects WHERE key LIKE 'event:%'`), notes, 'every event reached the subscriber');
    assert.equal(await count(`SELECT count(*) AS n FROM cluster_probe_effects WHERE key LIKE 'step:%'`), notes * 2, "every run's two steps took effect");
    assert.equal(await count(`SELECT count(*) AS n FROM cluster_probe_effects WHERE key LIKE 'event:%' AND runs <> 1`), 0, "each event's effect applied once");
    assert.equal(await count(`SELECT count(*) AS n FROM event_deliveries WHERE status <> 'delivered'`), 0, 'no delivery left pending or dead');
  });

  it('a rolling restart of the web instances under load fails no request', async () => {
    await start('web1', 'web', webPorts[0]); // the one killed above comes back on its port
    // As an operator (or an orchestrator) does it: one instance at a time, the next only once the
    // previous one is up and nginx has taken it back (its fail_timeout, 2 s, counted in whole seconds).
    const restarts = (async () => {
      for (const name of ['web1', 'web2']) {
        await new Promise((r) => setTimeout(r, 4000));
        await kill(name, 'SIGTERM'); // drains what it accepted, then exits
        const port = webPorts[name === 'web1' ? 0 : 1]!;
        await start(name, 'web', port);
        await answersReady(port); // the orchestrator's readiness probe, before it touches the next one
      }
      await new Promise((r) => setTimeout(r, 4000));
    })();
    const load = await driveLoad({ url: nginxUrl, token, requests: 10_000, concurrency: 4, until: restarts });
    await restarts;
    assert.ok(load.acked.length > 20, `requests flowed during the restart (${load.acked.length})`);
    assert.deepEqual(load.failures, [], `no request failed while the instances restarted one by one; nginx said: ${readFileSync(join(nginxDir.dir, 'logs/error.log'), 'utf8').slice(-2000)}`);
    const stored = new Set(((await knex('cluster_probe_notes').whereIn('id', load.acked).pluck('id')) as string[]));
    assert.equal(stored.size, load.acked.length);
  });
});

