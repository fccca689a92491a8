import type { ProvisioningErrorCode } from '@mpanel/sdk';

/**
 * WHM API 1 reports failures as free text in `metadata.reason` (no error codes). These patterns
 * turn the reasons WHM gives into codes the platform acts on; anything unknown stays REMOTE_ERROR
 * (not retried, shown to staff with WHM's own words).
 */
const RULES: Array<[RegExp, ProvisioningErrorCode]> = [
  [/access denied|permission|not authorized|privilege/i, 'AUTH'],
  [/(package|plan|pkg)\b.*(does not exist|not exist|not found|invalid|unknown)/i, 'INVALID_PACKAGE'],
  [/passwd entry .* already exists|user(name)? .* (already exists|is taken|is reserved)/i, 'ALREADY_EXISTS'],
  [/domain .* already exists|already (owned|exists) .*domain|is already (configured|in use)/i, 'CONFLICT'],
  [/does not exist|could not find|no such (user|account)|not found/i, 'NOT_FOUND'],
  [/too many requests|rate limit/i, 'RATE_LIMITED'],
  [/(limit|maximum|quota|exceed|too many accounts|license)/i, 'CAPACITY'],
  [/not a valid|invalid|is required|must (be|have|start)|too (long|short)/i, 'INVALID_INPUT'],
];

export function codeOfReason(reason: string): ProvisioningErrorCode {
  return RULES.find(([re]) => re.test(reason))?.[1] ?? 'REMOTE_ERROR';
}
