import { defineResourceFixtures } from '@mpanel/sdk/testing';

const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/**
 * The walked tenant's brand, with its selected portal theme and sender, and one uploaded logo:
 * another tenant must get a 404 for the logo's id and change none of the brand's columns (the
 * walker fingerprints every tenant table). Verified domains are core's (walked in core).
 */
export default defineResourceFixtures(async ({ request }) => {
  await request('PUT', '/api/v1/white-label/brands/current', { name: 'Walked Brand', colors: { primary: '#123456' }, theme: 'top-nav', font: 'serif', loginText: 'Walked sign-in', mailFromName: 'Walked Mail' });
  const logo = await request<{ id: string }>('POST', '/api/v1/white-label/assets', { kind: 'logo', contentType: 'image/png', data: PNG_1x1 });
  return { assets: logo.id };
});
