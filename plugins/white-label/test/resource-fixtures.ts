import { defineResourceFixtures } from '@mpanel/sdk/testing';

const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** The walked tenant's brand and one uploaded logo: another tenant must get a 404 for its id. */
export default defineResourceFixtures(async ({ request }) => {
  await request('PUT', '/api/v1/white-label/brands/current', { name: 'Walked Brand', colors: { primary: '#123456' } });
  const logo = await request<{ id: string }>('POST', '/api/v1/white-label/assets', { kind: 'logo', contentType: 'image/png', data: PNG_1x1 });
  return { assets: logo.id };
});
