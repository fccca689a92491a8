import { parseArgs } from 'node:util';
import { text } from 'node:stream/consumers';
import { AGENT_OPS } from '@mpanel/sdk/agent-protocol';
import { runOp } from './ops/index.ts';
import { AgentDaemon, type AgentLogger, type OpRunner } from './daemon.ts';
import { enrollAgent } from './enroll.ts';
import { loadEnv } from './env.ts';
import { Journal } from './journal.ts';
import { startMailPolicy } from './mail-policy.ts';
import { DEFAULT_STATE_DIR, loadState, statePaths } from './state.ts';

const USAGE = `usage:
  mpanel-agent enroll --panel URL --token TOKEN [--state-dir DIR]
  mpanel-agent run [--state-dir DIR]
  mpanel-agent exec OP [--state-dir DIR]     (params as JSON on stdin, OpResult as JSON on stdout: the SSH transport)
  mpanel-agent mail-policy --port PORT [--state-dir DIR]   (Postfix policy service: per-mailbox sending limits on submission)`;

const logger: AgentLogger = {
  info: (obj, msg) => process.stdout.write(`${JSON.stringify({ level: 'info', time: new Date().toISOString(), msg, ...obj })}\n`),
  warn: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'warn', time: new Date().toISOString(), msg, ...obj })}\n`),
};

async function runnerFor(stateDir: string): Promise<OpRunner> {
  const env = await loadEnv(stateDir);
  return (name, params, signal) => runOp(env, name, params, signal);
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { port: { type: 'string' }, panel: { type: 'string' }, token: { type: 'string' }, 'state-dir': { type: 'string' }, help: { type: 'boolean' } },
  });
  const stateDir = values['state-dir'] ?? process.env.MPANEL_AGENT_STATE_DIR ?? DEFAULT_STATE_DIR;
  const [command, arg] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case 'enroll': {
      if (!values.panel || !values.token) throw new Error('enroll needs --panel and --token');
      const state = await enrollAgent({ panelUrl: values.panel, token: values.token, stateDir, runOp: await runnerFor(stateDir) });
      process.stdout.write(`enrolled as server ${state.serverId} (tenant ${state.tenantId}); start it with: mpanel-agent run --state-dir ${stateDir}\n`);
      return 0;
    }
    case 'run': {
      const { state, privateKeyPem } = await loadState(stateDir);
      const journal = await new Journal(statePaths(stateDir).journal).open();
      const daemon = new AgentDaemon({ state, privateKeyPem, journal, runOp: await runnerFor(stateDir), logger });
      const stop = () => void daemon.stop();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      logger.info({ serverId: state.serverId, panel: state.panelUrl }, 'mpanel-agent running');
      await daemon.start();
      await journal.close();
      logger.info({}, 'mpanel-agent stopped');
      return 0;
    }
    case 'exec': {
      // One-shot over SSH: the same allow-list as the daemon; the SSH login is the authentication.
      if (!arg || !(AGENT_OPS as readonly string[]).includes(arg)) {
        process.stdout.write(`${JSON.stringify({ ok: false, code: 'UNSUPPORTED', retryable: false, message: `op "${arg ?? ''}" is not in the allow-list`, steps: [] })}\n`);
        return 3;
      }
      const input = (await text(process.stdin)).trim();
      const result = await (await runnerFor(stateDir))(arg, input ? JSON.parse(input) : {});
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return result.ok ? 0 : 1;
    }
    case 'mail-policy': {
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('mail-policy needs --port');
      const policy = await startMailPolicy(await loadEnv(stateDir), { port });
      logger.info({ port }, 'mpanel-agent mail policy service listening on 127.0.0.1');
      await new Promise<void>((resolve) => { process.once('SIGTERM', resolve); process.once('SIGINT', resolve); });
      await policy.close();
      return 0;
    }
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}\n`);
      return 2;
  }
}
