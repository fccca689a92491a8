import { defineResourceFixtures } from '@mpanel/sdk/testing';
import { kbFixtures } from './kb/resource-fixtures.ts';

/** One record of every support resource a route takes by id, one spread per area. */
export default defineResourceFixtures(async (context) => ({
  ...(await kbFixtures(context)),
}));
