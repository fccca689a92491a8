import { defineResourceFixtures } from '@mpanel/sdk/testing';

/**
 * One real record of every DNS resource a route takes by id (for the isolation walker): a zone of
 * billing's walked client with a record set, and a zone template.
 */
export default defineResourceFixtures(async ({ request, ids }) => {
  const zone = await request<{ id: string }>('POST', '/api/v1/dns/zones', { name: 'walked-zone.walk-a.test', clientId: ids.clients, templateId: null });
  const record = await request<{ id: string }>('POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'www', type: 'A', values: ['203.0.113.10'] });
  const template = await request<{ id: string }>('POST', '/api/v1/dns/zone-templates', { name: 'Walked template', records: [{ name: '@', type: 'A', values: ['{{ip}}'] }] });
  return { zones: zone.id, records: record.id, 'zone-templates': template.id };
});
