import { defineResourceFixtures } from '@mpanel/sdk/testing';
import { assistantFixtures } from './assistant/resource-fixtures.ts';

/** One real record of every AI resource a route takes by id, one line per area (for the isolation walker). */
export default defineResourceFixtures(async (context) => ({
  ...(await assistantFixtures(context)),
}));
