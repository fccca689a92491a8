/**
 * A plugin's part of `GET /api/health/ready`: a named check run with the platform's own (database,
 * Redis, migrations, stuck work). It answers `undefined` when all is well, a sentence when the
 * instance should not take traffic, or `{ warn }` to report something that needs a person but is
 * no reason to take the instance out of the load balancer (operations stuck in a queue). The probe
 * is public: say what is wrong in numbers, never names, addresses or tenant data. Each check has
 * the probe's time budget (2 s); cache anything slower. Plugins get no root handle: a check that
 * looks at every tenant visits them with `ctx.forEachTenant`.
 */
export type ReadinessCheck = () => Promise<string | undefined | { warn: string }>;

export interface PluginReadiness {
  /** Declares a check (register phase), reported as `<plugin>:<name>`. */
  check(name: string, fn: ReadinessCheck): void;
}
