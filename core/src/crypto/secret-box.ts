import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.ts';

/** Where a sealed value belongs: opening it anywhere else (another tenant, another field) fails. */
export interface SealedAt {
  tenantId: string | null;
  field: string;
}

/**
 * AES-256-GCM for the secrets kept in the database (plugin secrets, webhook signing secrets, TOTP
 * secrets), with keys of their own (MPANEL_ENCRYPTION_KEYS), apart from JWT_SECRET: rotating the
 * token secret after a leak must not destroy every stored Stripe key. A value is
 * `v2.<key id>.<iv>.<tag>.<ciphertext>` (base64url) and is bound, as additional data, to its purpose,
 * tenant and field, so a ciphertext copied into another tenant's row does not open there.
 *
 * `v1.<iv>.<tag>.<ciphertext>` is the format from before the keyring, keyed from the platform
 * secret: still opened (with that secret), and re-sealed by `mpanel keys:rotate`.
 */
export class SecretBox {
  private readonly legacyKey: Buffer | undefined;

  constructor(private readonly keyring: Keyring, private readonly purpose: string, legacySecret?: string) {
    this.legacyKey = legacySecret ? Buffer.from(hkdfSync('sha256', legacySecret, 'mpanel', purpose, 32)) : undefined;
  }

  private aad(at: SealedAt): Buffer {
    return Buffer.from(JSON.stringify([this.purpose, at.tenantId, at.field]));
  }

  get currentKeyId(): string {
    return this.keyring.keys[0]!.id;
  }

  seal(plain: string, at: SealedAt): string {
    const { id, key } = this.keyring.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(this.aad(at));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v2', id, ...[iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'))].join('.');
  }

  open(sealed: string, at: SealedAt): string {
    const parts = sealed.split('.');
    if (parts[0] === 'v1' && parts.length === 4) {
      if (!this.legacyKey) throw new Error('A secret sealed before the encryption keyring cannot be opened without the platform secret');
      return decrypt(this.legacyKey, parts[1]!, parts[2]!, parts[3]!);
    }
    if (parts[0] !== 'v2' || parts.length !== 5) throw new Error('Not a sealed secret');
    const key = this.keyring.keys.find((k) => k.id === parts[1])?.key;
    if (!key) throw new Error(`A secret is sealed with key "${parts[1]}", which is not in MPANEL_ENCRYPTION_KEYS`);
    return decrypt(key, parts[2]!, parts[3]!, parts[4]!, this.aad(at));
  }

  /** Sealed with the current key in the current format: `keys:rotate` leaves it alone. */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`v2.${this.currentKeyId}.`);
  }
}

function decrypt(key: Buffer, iv: string, tag: string, data: string, aad?: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** The boxes of core's sealed columns; the purposes are those of the v1 format, so old values open. */
export interface SecretBoxes {
  pluginSecrets: SecretBox;
  webhookSecrets: SecretBox;
  totpSecrets: SecretBox;
}

export function secretBoxes(config: { encryptionKeys: Keyring; jwtSecret: string }): SecretBoxes {
  const box = (purpose: string) => new SecretBox(config.encryptionKeys, purpose, config.jwtSecret);
  return { pluginSecrets: box('mpanel:plugin-secrets'), webhookSecrets: box('mpanel:webhook-secrets'), totpSecrets: box('totp-secrets') };
}
