import type { MailTemplateDefinition, NotificationTypeDefinition } from '@mpanel/sdk';

const KEY = /^[a-z][a-z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*)+$/;
export const LANGUAGE = /^[a-z]{2}(-[A-Z]{2})?$/;

/**
 * What plugins registered: templates with their defaults and notification types. Process memory:
 * every instance registers the same set at start, and the defaults live in the registering code.
 */
export class Registry {
  readonly templates = new Map<string, MailTemplateDefinition>();
  readonly types = new Map<string, NotificationTypeDefinition>();

  addTemplate(def: MailTemplateDefinition): void {
    if (!KEY.test(def.key)) throw new Error(`notifications: template key "${def.key}" must be "<plugin>.<name>"`);
    if (!def.defaults.en) throw new Error(`notifications: template "${def.key}" needs an "en" default`);
    for (const lang of Object.keys(def.defaults)) if (!LANGUAGE.test(lang)) throw new Error(`notifications: template "${def.key}" has a bad language "${lang}"`);
    this.templates.set(def.key, def);
  }

  addType(def: NotificationTypeDefinition): void {
    if (!KEY.test(def.type)) throw new Error(`notifications: type "${def.type}" must be "<plugin>.<name>"`);
    this.types.set(def.type, def);
  }

  template(key: string): MailTemplateDefinition {
    const def = this.templates.get(key);
    if (!def) throw new Error(`notifications: no template "${key}" is registered`);
    return def;
  }

  /** Languages a tenant may edit a template in: its defaults' languages plus the platform's two. */
  languagesOf(key: string): string[] {
    return [...new Set(['en', 'de', ...Object.keys(this.template(key).defaults)])];
  }
}
