import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { startTestServer, type TestServer } from '../../core/src/testing/test-server.ts';
import { dockerfile, parseDockerfile } from './dockerfile.ts';
import { checkManifests, type Manifest } from './k8s-manifests.ts';

/**
 * Container tools cannot run here, so the deployment files are checked by what can: they parse,
 * every Kubernetes object has what its kind requires and refers only to objects that exist, and
 * every command the images run is a real mPanel command with real options, answering on the
 * real probe paths.
 */
const ROOT = new URL('../../', import.meta.url).pathname;
const K8S = join(ROOT, 'deploy/k8s');
const COMPOSE = join(ROOT, 'deploy/compose/compose.yaml');
const run = promisify(execFile);

function readYaml(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const doc of docs) assert.deepEqual(doc.errors, [], `${file} parses`);
  return docs.map((d) => d.toJS() as unknown);
}

const k8sFiles = () => readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const manifests = (): Manifest[] => k8sFiles().flatMap((f) => readYaml(join(K8S, f)).map((m) => ({ ...(m as Manifest), file: f })));

interface ComposeService {
  command?: string[];
  image?: string;
  build?: unknown;
}

/** `["start", "--role", "web"]` → `start --help` must list `--role`. */
async function assertCliCommand(args: string[]): Promise<void> {
  const command = args.filter((a) => !a.startsWith('-'))[0]!;
  const { stdout } = await run(process.execPath, [join(ROOT, 'bin/mpanel.js'), command, '--help'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent' } });
  for (const option of args.filter((a) => a.startsWith('--'))) assert.ok(stdout.includes(option), `mpanel ${command} has ${option}:\n${stdout}`);
}

describe('deployment files', () => {
  it('the Kubernetes manifests parse and each object has what its kind requires', () => {
    const problems = checkManifests(manifests());
    assert.deepEqual(problems, []);
  });

  it('kustomization lists every manifest and nothing that is missing', () => {
    const [kustomization] = readYaml(join(K8S, 'kustomization.yaml')) as Array<{ resources: string[] }>;
    assert.deepEqual([...kustomization!.resources].sort(), k8sFiles().sort());
  });

  it('the web Deployment is gated on readiness and the worker runs the worker role', () => {
    const all = manifests();
    const container = (name: string) => all.find((m) => m.kind === 'Deployment' && m.metadata.name === name)!.spec.template.spec.containers[0];
    assert.equal(container('mpanel-web').readinessProbe.httpGet.path, '/api/health/ready');
    assert.deepEqual(container('mpanel-web').args, ['start', '--role', 'web']);
    assert.deepEqual(container('mpanel-worker').args, ['start', '--role', 'worker']);
    const secret = all.find((m) => m.kind === 'Secret')!;
    for (const key of ['JWT_SECRET', 'MPANEL_ENCRYPTION_KEYS', 'DATABASE_URL']) assert.ok(key in secret.stringData, `the Secret carries ${key}`);
  });

  it('compose runs PostgreSQL, Redis, two web instances, a worker and nginx in front of the web ones', () => {
    const [compose] = readYaml(COMPOSE) as Array<{ services: Record<string, ComposeService> }>;
    const services = compose!.services;
    for (const name of ['postgres', 'redis', 'migrate', 'worker', 'nginx']) assert.ok(services[name], `service ${name}`);
    const webs = Object.entries(services).filter(([, s]) => s.command?.join(' ') === 'start --role web').map(([n]) => n);
    assert.equal(webs.length, 2, 'two web instances');
    const nginx = readFileSync(join(ROOT, 'deploy/compose/nginx.conf'), 'utf8');
    for (const web of webs) assert.match(nginx, new RegExp(`server ${web}:2271\\b`), `nginx balances over ${web}`);
    assert.match(nginx, /proxy_set_header Upgrade/, 'websockets (realtime) pass through');
  });

  it('the Dockerfile is multi-stage, runs as a non-root user, has a health check and copies every workspace', () => {
    const file = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    assert.ok(file.stages >= 2, 'multi-stage');
    assert.ok(file.user && !['root', '0'].includes(file.user), `runs as ${file.user}`);
    assert.ok(file.healthcheck, 'HEALTHCHECK');
    assert.ok(existsSync(join(ROOT, file.entrypoint.at(-1)!)), `entrypoint ${file.entrypoint.join(' ')} exists`);
    // A new plugin's package.json forgotten in the deps stage would make `npm ci` fail in the image.
    const workspaces = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces
      .flatMap((w) => (w.endsWith('/*') ? readdirSync(join(ROOT, w.slice(0, -2))).map((d) => `${w.slice(0, -2)}/${d}`) : [w]))
      .filter((dir) => existsSync(join(ROOT, dir, 'package.json')));
    for (const dir of workspaces) assert.ok(file.copies.includes(`${dir}/package.json`), `Dockerfile copies ${dir}/package.json`);
  });

  it('every command the images run is a real mpanel command with real options', async function () {
    this.timeout(60_000);
    const [compose] = readYaml(COMPOSE) as Array<{ services: Record<string, ComposeService> }>;
    const commands = [
      dockerfile(ROOT).cmd,
      ...Object.values(compose!.services).filter((s) => s.build || s.image?.startsWith('${MPANEL_IMAGE')).flatMap((s) => (s.command ? [s.command] : [])),
      ...manifests().flatMap((m) => (m.spec?.template?.spec?.containers ?? []).filter((c: { image: string }) => c.image === 'mpanel').map((c: { args: string[] }) => c.args)),
    ];
    const distinct = [...new Map(commands.map((c) => [c.join(' '), c])).values()];
    assert.ok(distinct.length >= 3, `start web, start worker, migrate: ${distinct.map((c) => c.join(' ')).join('; ')}`);
    for (const args of distinct) await assertCliCommand(args);
  });

  describe('against a running instance', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer();
    });
    after(() => server?.close());

    it('the probes the manifests name answer on a running server', async () => {
      const paths = new Set(manifests().flatMap((m) => (m.spec?.template?.spec?.containers ?? []).flatMap((c: Record<string, { httpGet?: { path: string } }>) => ['readinessProbe', 'livenessProbe', 'startupProbe'].map((p) => c[p]?.httpGet?.path).filter(Boolean))));
      assert.ok(paths.has('/api/health/ready') && paths.has('/api/health'));
      for (const path of paths) assert.equal((await server.request('GET', path!)).status, 200, `${path} answers 200`);
    });

    it("the image's HEALTHCHECK command passes against a running server", async () => {
      const check = dockerfile(ROOT).healthcheck!;
      assert.equal(check[0], 'node');
      const port = new URL(server.url).port;
      // The exact command the image runs; exits 0 only on a 2xx from /api/health.
      await run(process.execPath, check.slice(1), { env: { ...process.env, PORT: port } });
      await assert.rejects(run(process.execPath, check.slice(1), { env: { ...process.env, PORT: '1' } }), 'and fails when nothing answers');
    });
  });
});
