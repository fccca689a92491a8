import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import semver from 'semver';
import type { PluginManifest } from '@mpanel/sdk';

const schema = JSON.parse(readFileSync(new URL('../../../plugin.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile<PluginManifest>(schema);

export class ManifestError extends Error {}

function describe(err: ErrorObject): string {
  const path = err.instancePath.split('/').filter(Boolean).join('.');
  if (err.keyword === 'required') return `${[path, (err.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.')} is required`;
  if (err.keyword === 'additionalProperties') return `${[path, (err.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.')} is not allowed`;
  return `${path || '(manifest)'} ${err.message ?? 'is invalid'}`;
}

/** Validates a manifest against plugin.schema.json; errors name the plugin and the field. */
export function validateManifest(manifest: unknown, where: string): PluginManifest {
  if (!validate(manifest)) {
    const id = (manifest as { id?: unknown } | null)?.id;
    const name = typeof id === 'string' ? id : where;
    const problems = (validate.errors ?? []).filter((e) => e.keyword !== 'if').map(describe);
    throw new ManifestError(`Plugin "${name}": invalid manifest: ${[...new Set(problems)].join('; ')}`);
  }
  const m = manifest;
  if (!semver.validRange(m.engines.mpanel)) throw new ManifestError(`Plugin "${m.id}": invalid manifest: engines.mpanel "${m.engines.mpanel}" is not a semver range`);
  for (const [field, deps] of [['dependencies', m.dependencies], ['optionalDependencies', m.optionalDependencies]] as const) {
    for (const [dep, range] of Object.entries(deps ?? {})) {
      if (!semver.validRange(range)) throw new ManifestError(`Plugin "${m.id}": invalid manifest: ${field}.${dep} "${range}" is not a semver range`);
    }
  }
  return m;
}

/** Throws when the running mPanel version is outside the plugin's `engines.mpanel`. */
export function checkEngines(manifest: PluginManifest, version: string): void {
  if (!semver.satisfies(version, manifest.engines.mpanel, { includePrerelease: true })) {
    throw new ManifestError(`Plugin "${manifest.id}" requires mPanel ${manifest.engines.mpanel} (engines.mpanel), this is ${version}`);
  }
}
