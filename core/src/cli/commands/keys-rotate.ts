import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { migrateUp } from '../../db/migrator.ts';
import { CORE_MIGRATIONS } from '../../platform.ts';
import { formatKeys, newKey } from '../../crypto/keyring.ts';
import { secretBoxes } from '../../crypto/secret-box.ts';
import { resealAll } from '../../crypto/reseal.ts';
import { cliConfig, withDatabase } from '../context.ts';

/**
 * `mpanel keys:rotate`: re-seals every stored secret under the current encryption key. With
 * MPANEL_ENCRYPTION_KEYS the operator puts the new key first and keeps the old ones until this has
 * run; with the keyring generated into DATA_DIR the command makes the new key itself and, once
 * everything is re-sealed, drops the old ones from the file.
 */
export function keysRotateCommand(program: Command): void {
  program
    .command('keys:rotate')
    .description('re-seal every stored secret (plugin secrets, webhook secrets, TOTP) under the current encryption key')
    .action(async () => {
      const config = cliConfig();
      const { file } = config.encryptionKeys;
      const keys = file ? [newKey(config.encryptionKeys.keys), ...config.encryptionKeys.keys] : config.encryptionKeys.keys;
      const counts = await withDatabase(config, async (db) => {
        // Under the data directory's lock (no server is sealing meanwhile), and on disk before
        // anything is sealed with it: a crash in between loses nothing.
        if (file) writeFileSync(file, `${formatKeys(keys)}\n`, { mode: 0o600 });
        await migrateUp(db.knex, [CORE_MIGRATIONS]);
        return resealAll(db.knex, secretBoxes({ ...config, encryptionKeys: { keys } }));
      });
      if (file) writeFileSync(file, `${formatKeys(keys.slice(0, 1))}\n`, { mode: 0o600 });
      const others = keys.slice(1).map((k) => k.id);
      process.stdout.write(
        `Re-sealed under key ${keys[0]!.id}: ${counts.pluginSecrets} plugin secrets, ${counts.webhookSecrets} webhook secrets, ${counts.totpSecrets} TOTP secrets\n` +
          (file ? `Old keys removed from ${file}\n` : others.length ? `Keys ${others.join(', ')} are no longer used: remove them from MPANEL_ENCRYPTION_KEYS\n` : ''),
      );
    });
}
