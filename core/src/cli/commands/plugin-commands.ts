import { Command } from 'commander';
import { asValue } from 'awilix';
import { pino } from 'pino';
import cliProgress from 'cli-progress';
import { CliUsageError, type CliArgs, type CliCommand, type CliIo, type CliProgress } from '@mpanel/sdk';
import type { Config } from '../../config/config.ts';
import { configuredDatabase, openDatabase } from '../../db/connect.ts';
import { migrateUp } from '../../db/migrator.ts';
import { createRootContainer, type RootContainer } from '../../container.ts';
import { RouteRegistry } from '../../http/route-registry.ts';
import { openRedis } from '../../redis.ts';
import { coreModules } from '../../modules.ts';
import { CORE_MIGRATIONS } from '../../platform.ts';
import { discoverPlugins } from '../../plugins/discovery.ts';
import { VERSION } from '../../version.ts';
import { pluginCliOf } from '../plugin-cli-registry.ts';
import { cliConfig } from '../context.ts';

/**
 * The platform a plugin command runs in: every module registered, core and plugin migrations
 * applied, plugins booted — but no HTTP server, workers, dispatcher or first-start seeding (a
 * generated admin password printed by a maintenance command would be lost). Logs go to stderr
 * (warnings only unless LOG_LEVEL says otherwise), so stdout carries only the command's output.
 */
export async function openPluginRuntime(config: Config): Promise<{ container: RootContainer; close(): Promise<void> }> {
  const logger = pino({ level: process.env.LOG_LEVEL ? config.logLevel : 'warn', base: { service: 'mpanel' } }, pino.destination(2));
  const db = await openDatabase(configuredDatabase(config));
  const redis = config.redisUrl ? openRedis(config.redisUrl, logger) : undefined;
  const container = createRootContainer({ config, logger, db, routes: new RouteRegistry(), version: VERSION });
  container.register({ migrationSets: asValue([CORE_MIGRATIONS]), redis: asValue(redis), startupNotes: asValue([] as string[]), pluginOptions: asValue({}) } as never);
  const close = async () => {
    const c = container.cradle;
    if (container.hasRegistration('pluginManager')) await c.pluginManager.shutdownAll();
    if (container.hasRegistration('jobQueue')) await c.jobQueue.stop().catch(() => undefined);
    await container.dispose();
    await redis?.close();
    await db.close();
  };
  try {
    for (const mod of coreModules) await mod.register?.(container);
    await migrateUp(db.knex, container.cradle.migrationSets);
    await container.cradle.pluginManager.migrateAll();
    await container.cradle.pluginManager.bootAll();
    return { container, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** A bar on an interactive stderr; elsewhere (CI, tests, pipes) nothing until the summary. */
function progressReporter(): CliProgress {
  if (!process.stderr.isTTY) return { start() {}, update() {}, stop() {} };
  const bar = new cliProgress.SingleBar({ format: ' {bar} {value}/{total} {label}', hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    start(total, label = '') {
      if (started) bar.stop();
      bar.start(total, 0, { label });
      started = true;
    },
    update(value, total, label) {
      if (!started) this.start(total ?? value, label);
      if (total !== undefined) bar.setTotal(total);
      bar.update(value, label === undefined ? {} : { label });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

const io: CliIo = {
  print: (line) => void process.stdout.write(`${line}\n`),
  warn: (line) => void process.stderr.write(`${line}\n`),
  progress: progressReporter,
};

/** Runs a plugin command with commander parsing its options; returns the exit code. */
async function runPluginCommand(command: CliCommand, argv: string[]): Promise<number> {
  let exitCode = 0;
  const cmd = new Command(command.name).description(command.description).exitOverride().allowExcessArguments(false);
  for (const o of command.options ?? []) cmd.option(o.flags, o.description, o.default as string | boolean | undefined);
  cmd.action(async () => {
    const args = { ...cmd.opts(), args: cmd.args } as CliArgs;
    exitCode = (await command.run(args, io)) ?? 0;
  });
  try {
    await cmd.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CliUsageError) {
      process.stderr.write(`${command.name}: ${err.message}\n`);
      return 1;
    }
    const code = (err as { exitCode?: number }).exitCode;
    if (typeof code === 'number') return code; // commander already printed the problem (or the help)
    throw err;
  }
  return exitCode;
}

/**
 * Commands plugins declare with `ctx.cli.command` (`mpanel billing:run`). Core's commands are
 * matched first; anything else whose prefix names an installed plugin loads the plugin runtime
 * and runs that plugin's command. `mpanel plugins:commands` lists them.
 */
export function pluginCommandsCommand(program: Command): void {
  program
    .command('plugins:commands')
    .description('list the commands installed plugins add (run them as `mpanel <plugin>:<command>`)')
    .action(async () => {
      const runtime = await openPluginRuntime(cliConfig());
      try {
        const { pluginManager } = runtime.container.cradle;
        const commands = pluginCliOf(runtime.container).list((o) => pluginManager.isUsable(o));
        for (const { command } of commands) process.stdout.write(`${command.name.padEnd(24)} ${command.description}\n`);
        if (!commands.length) process.stdout.write('No plugin commands.\n');
      } finally {
        await runtime.close();
      }
    });

  program
    .command('*', { hidden: true })
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .action(async () => {
      const [name = '', ...rest] = process.argv.slice(2);
      const pluginId = name.split(':')[0]!;
      // Core commands never reach here; without a colon it cannot be a plugin's either.
      if (!name.includes(':') || !discoverPlugins().length) program.error(`error: unknown command '${name}' (mpanel --help lists core commands, mpanel plugins:commands the plugins' ones)`);
      const runtime = await openPluginRuntime(cliConfig());
      let code: number;
      try {
        const { pluginManager } = runtime.container.cradle;
        const found = pluginCliOf(runtime.container).list((o) => pluginManager.isUsable(o)).find((c) => c.command.name === name);
        if (!found) {
          const failed = pluginManager.list().find((p) => p.id === pluginId && p.status !== 'active');
          process.stderr.write(failed ? `${name}: plugin "${pluginId}" is ${failed.status}: ${failed.error ?? ''}\n` : `error: unknown command '${name}'\n`);
          code = 1;
        } else {
          code = await runPluginCommand(found.command, rest);
        }
      } finally {
        await runtime.close();
      }
      process.exitCode = code;
    });
}
