import type { TenantDb } from '@mpanel/sdk';

/**
 * The portal's "Setting up your hosting: step 3 of 6". Labels are for the client: they say what
 * is happening, never why something failed (a failure shows a neutral message and that staff know).
 */
export const SETUP_STEPS = ['Order received', 'Choosing a server', 'Creating your account', 'Setting up your website', 'Final checks', 'Ready'] as const;

export async function setProgress(db: TenantDb, accountId: string, at: { step?: number; failed?: boolean } | null): Promise<void> {
  if (at === null) {
    await db('hosting_accounts').where('hosting_accounts.id', accountId).update({ setup_progress: null, updated_at: db.trx.fn.now() });
    return;
  }
  if (at.step !== undefined) {
    const value = { step: at.step, of: SETUP_STEPS.length, label: SETUP_STEPS[at.step - 1] };
    await db('hosting_accounts').where('hosting_accounts.id', accountId).update({ setup_progress: JSON.stringify(value), updated_at: db.trx.fn.now() });
    return;
  }
  // Keep the step reached; mark it failed (only while setting up: a live account has no progress).
  await db('hosting_accounts').where('hosting_accounts.id', accountId).whereNotNull('setup_progress')
    .update({ setup_progress: db.trx.raw(`setup_progress || ?::jsonb`, [JSON.stringify({ failed: !!at.failed })]), updated_at: db.trx.fn.now() });
}

export interface ProgressView {
  state: 'setting_up' | 'ready' | 'needs_staff';
  step: number;
  of: number;
  label: string;
  message: string;
}

/** What the portal shows for an account: from its setup progress, never from the raw error. */
export function progressView(progress: { step?: number; of?: number; label?: string; failed?: boolean } | null, observed: string | null): ProgressView {
  const of = SETUP_STEPS.length;
  if (!progress) {
    return observed ? { state: 'ready', step: of, of, label: 'Ready', message: 'Your hosting is ready.' } : { state: 'setting_up', step: 1, of, label: SETUP_STEPS[0], message: `Setting up your hosting: step 1 of ${of}` };
  }
  const step = Math.min(Math.max(1, Number(progress.step ?? 1)), of);
  if (progress.failed) {
    return { state: 'needs_staff', step, of, label: progress.label ?? SETUP_STEPS[step - 1]!, message: 'Setting up your hosting is taking longer than expected. Our staff have been notified and are on it.' };
  }
  return { state: 'setting_up', step, of, label: progress.label ?? SETUP_STEPS[step - 1]!, message: `Setting up your hosting: step ${step} of ${of}` };
}
