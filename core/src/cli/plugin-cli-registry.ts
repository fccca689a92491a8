import { asValue } from 'awilix';
import type { CliCommand } from '@mpanel/sdk';
import type { RootContainer } from '../container.ts';

const NAME = /^[a-z][a-z0-9-]*:[a-z][a-z0-9:-]*$/;

/** CLI commands plugins declared in register, by name; `mpanel` shows those of usable plugins. */
export class PluginCliRegistry {
  private readonly commands = new Map<string, { owner: string; command: CliCommand }>();

  add(owner: string, command: CliCommand): void {
    if (!NAME.test(command.name) || !command.name.startsWith(`${owner}:`)) {
      throw new Error(`CLI command "${command.name}" of plugin "${owner}" must be named "${owner}:<command>" (lower case)`);
    }
    const existing = this.commands.get(command.name);
    if (existing) throw new Error(`CLI command "${command.name}" is declared twice by "${owner}"`);
    this.commands.set(command.name, { owner, command });
  }

  /** Commands whose plugin passes `usable` (a failed plugin's commands disappear with it). */
  list(usable: (owner: string) => boolean): Array<{ owner: string; command: CliCommand }> {
    return [...this.commands.values()].filter((c) => usable(c.owner));
  }
}

/** The registry in the container, created on first use (plugins register before any core module could own it). */
export function pluginCliOf(container: RootContainer): PluginCliRegistry {
  if (!container.hasRegistration('pluginCli')) container.register({ pluginCli: asValue(new PluginCliRegistry()) });
  return container.cradle.pluginCli;
}

declare module '../container.ts' {
  interface CoreCradle {
    pluginCli: PluginCliRegistry;
  }
}
