/**
 * One benchmarked server in its own process, so the two sides share no heap, JIT state or
 * process-wide hooks (mPanel's AsyncLocalStorage would otherwise slow the bare server down too).
 * Started by server-process.ts with an IPC channel; answers `cpu` with its CPU time and `stop`
 * by closing.
 */
import { benchCases } from './cases/index.ts';
import { startBareServer } from './bare-server.ts';
import { startMpanelServer } from './mpanel-server.ts';
import type { ServerMessage, ServerSpec } from './server-process.ts';

const spec = JSON.parse(process.env.BENCH_SERVER_SPEC ?? '{}') as ServerSpec;
const cases = benchCases.filter((c) => spec.cases.includes(c.name));
const send = (message: ServerMessage) => process.send!(message);

const server =
  spec.kind === 'bare'
    ? await startBareServer(spec.databaseUrl, cases, spec.poolMax)
    : await startMpanelServer(spec.databaseUrl, cases, spec.logLevel);

process.on('message', (message: { type: 'cpu' | 'stop' }) => {
  if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ type: 'cpu', micros: user + system });
  } else {
    void server.close().finally(() => process.exit(0));
  }
});
send({ type: 'ready', url: server.url });
