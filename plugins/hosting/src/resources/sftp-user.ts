import { ValidationError } from '@mpanel/sdk';
import { SftpUser } from '../models/index.ts';
import { objectBody } from '../routes/common.ts';
import { hashSftpPassword } from './sha512-crypt.ts';
import { normaliseKeys } from './ssh-keys.ts';
import type { ResourceSpec } from './spec.ts';

const password = { type: ['string', 'null'], minLength: 12, maxLength: 128 };
const authorizedKeys = { type: 'array', maxItems: 20, items: { type: 'string', minLength: 16, maxLength: 16_384 } };

/** Password (hashed at once) and keys (validated, normalised) as columns. */
function credentials(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (body.password !== undefined) out.passwordHash = body.password === null ? null : hashSftpPassword(body.password as string);
  if (body.authorizedKeys !== undefined) {
    const { keys, problems } = normaliseKeys(body.authorizedKeys as string[]);
    if (Object.keys(problems).length) throw new ValidationError(problems);
    out.authorizedKeys = keys;
  }
  return out;
}

export const sftpUserSpec: ResourceSpec<SftpUser> = {
  segment: 'sftp-users',
  param: 'sftpUserId',
  model: SftpUser,
  subjectType: 'sftpUser',
  limit: null,
  noun: 'SFTP user',
  duplicate: 'An SFTP user with this name exists in the account',
  // `name` is the part after the account's prefix: `deploy` → `<username>_deploy` (a Linux user, chrooted to the home).
  createBody: objectBody({ name: { type: 'string', pattern: '^[a-z0-9]{1,12}$' }, password, authorizedKeys }, ['name']),
  patchBody: objectBody({ password, authorizedKeys }, [], 1),
  async build(ctx, body) {
    if (!body.password && !(body.authorizedKeys as string[] | undefined)?.length) throw new ValidationError({ password: 'or authorizedKeys is required' });
    return { row: { username: `${ctx.account.username}_${body.name as string}`, ...credentials(body) } };
  },
  async patch(_ctx, user, body) {
    const row = credentials(body);
    const hash = row.passwordHash === undefined ? user.passwordHash : row.passwordHash;
    const keys = (row.authorizedKeys as string[] | undefined) ?? user.authorizedKeys;
    if (!hash && !keys.length) throw new ValidationError({ password: 'or authorizedKeys must remain: the user could not log in' });
    return { row };
  },
  // Root is the account's home: the agent chroots `internal-sftp` there.
  desired: (_ctx, user) => ({ kind: 'sftpUser', username: user.username, passwordHash: user.passwordHash ?? undefined, authorizedKeys: user.authorizedKeys, root: '' }),
};
