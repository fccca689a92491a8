import type { Context } from 'mocha';
import { warmTestDatabase } from '../../core/src/testing/database.ts';

/** Mocha root hooks (`require` in .mocharc*.json): shared set-up once per run, before any file's hooks. */
export const mochaHooks = {
  async beforeAll(this: Context): Promise<void> {
    this.timeout(180_000);
    await warmTestDatabase();
  },
};
