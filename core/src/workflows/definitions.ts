import type { RetryPolicy, StepDefinition, WorkflowDefinition } from '@mpanel/sdk';

export const DEFAULT_ATTENTION_PERMISSION = 'workflows.manage';
const NAME = /^[a-z][a-z0-9-]*$/;
const DEFAULT_TIMEOUT_MS = 300_000;
const DEFAULT_RETRY: Required<RetryPolicy> = { attempts: 3, backoffMs: 1000, maxBackoffMs: 60_000 };

/** A step with every default filled in. */
export interface ResolvedStep extends StepDefinition {
  timeoutMs: number;
  retry: Required<RetryPolicy>;
}

/** A workflow as the runtime uses it: `<owner>.<name>`, defaults applied. */
export interface ResolvedWorkflow {
  fullName: string;
  owner: string;
  steps: ResolvedStep[];
  onExhausted: 'fail' | 'needs_attention';
  compensateOnCancel: boolean;
  attentionPermission: string;
}

export class WorkflowDefinitionError extends Error {}

function resolveRetry(own: RetryPolicy | undefined, base: RetryPolicy | undefined): Required<RetryPolicy> {
  const r = { ...DEFAULT_RETRY, ...base, ...own };
  if (!(Number.isInteger(r.attempts) && r.attempts >= 1 && r.backoffMs >= 0 && r.maxBackoffMs >= r.backoffMs)) {
    throw new WorkflowDefinitionError(`retry policy ${JSON.stringify(r)}: attempts must be an integer >= 1 and 0 <= backoffMs <= maxBackoffMs`);
  }
  return r;
}

/** Every workflow the plugins (and core) declared, checked when declared. */
export class WorkflowRegistry {
  private readonly workflows = new Map<string, ResolvedWorkflow>();

  define(owner: string, def: WorkflowDefinition): ResolvedWorkflow {
    const fullName = `${owner}.${def.name}`;
    const fail = (why: string) => new WorkflowDefinitionError(`Workflow "${fullName}": ${why}`);
    if (!NAME.test(def.name)) throw fail('the name must be kebab case');
    if (this.workflows.has(fullName)) throw fail('is already defined');
    if (!Array.isArray(def.steps) || def.steps.length === 0) throw fail('needs at least one step');
    const seen = new Set<string>();
    const steps = def.steps.map((s): ResolvedStep => {
      if (!NAME.test(s.name)) throw fail(`step "${s.name}": the name must be kebab case`);
      if (seen.has(s.name)) throw fail(`step "${s.name}" appears twice`);
      seen.add(s.name);
      if (typeof s.run !== 'function') throw fail(`step "${s.name}" has no run function`);
      const timeoutMs = s.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      if (!(timeoutMs > 0)) throw fail(`step "${s.name}": timeoutMs must be positive`);
      return { ...s, timeoutMs, retry: resolveRetry(s.retry, def.retry) };
    });
    const resolved: ResolvedWorkflow = {
      fullName, owner, steps,
      onExhausted: def.onExhausted ?? 'fail',
      compensateOnCancel: def.compensateOnCancel ?? false,
      attentionPermission: def.attentionPermission ?? DEFAULT_ATTENTION_PERMISSION,
    };
    this.workflows.set(fullName, resolved);
    return resolved;
  }

  get(fullName: string): ResolvedWorkflow | undefined {
    return this.workflows.get(fullName);
  }

  removeOwner(owner: string): void {
    for (const [name, w] of this.workflows) if (w.owner === owner) this.workflows.delete(name);
  }
}
