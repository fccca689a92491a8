import { step, type PluginContext } from '@mpanel/sdk';
import { applyOperation } from './apply.ts';
import { guarded, type OperationInput } from './guard.ts';
import { ATTENTION_PERMISSION } from './notify.ts';
import { MAX_TRIES, RETRY_DELAYS_MS } from './retry-schedule.ts';
import { finishStep, placeStep, resourcesStep } from './setup-steps.ts';
import { OPERATION_WORKFLOW } from './start.ts';

/**
 * One provisioning operation as a durable workflow: place (a new account), apply (the module
 * call), resources (a new account's sites and databases), finish (states, billing, events). A run
 * survives its worker (it resumes at the step that was running, which observes before calling the
 * server again); the retry schedule is the engine's own (guard.ts), carried out by the runtime.
 */
export function defineOperationWorkflow(plugin: PluginContext): void {
  plugin.workflows.define<OperationInput>({
    name: OPERATION_WORKFLOW,
    attentionPermission: ATTENTION_PERMISSION,
    onExhausted: 'needs_attention',
    // The guard hands the runtime each delay (retryAfterMs); these only bound it.
    retry: { attempts: MAX_TRIES, backoffMs: RETRY_DELAYS_MS[0]!, maxBackoffMs: RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1]! },
    steps: [
      step('place', { run: (s) => guarded(plugin, s, placeStep), timeoutMs: 60_000 }),
      step('apply', { run: (s) => guarded(plugin, s, applyOperation), timeoutMs: 180_000 }),
      step('resources', { run: (s) => guarded(plugin, s, resourcesStep), timeoutMs: 300_000 }),
      step('finish', { run: (s) => guarded(plugin, s, finishStep), timeoutMs: 60_000 }),
    ],
  });
}
