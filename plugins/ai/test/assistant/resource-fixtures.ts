import type { ResourceFixtureContext } from '@mpanel/sdk/testing';

/**
 * A conversation and a pending proposal of the walking tenant's admin (the user `request` acts
 * as), for the isolation walker: `/conversations/:id` and `/proposals/:id`. Written directly, as
 * making them through the chat needs a language model.
 */
export async function assistantFixtures(context: ResourceFixtureContext): Promise<Record<string, string>> {
  const me = await context.request<{ user: { id: string } }>('GET', '/api/v1/auth/me');
  return context.transaction(async (trx) => {
    const [conversation] = await trx('ai_assistant_conversations')
      .insert({ tenant_id: context.tenantId, user_id: me.user.id, audience: 'staff', title: 'Walked conversation' }).returning('id') as Array<{ id: string }>;
    await trx('ai_assistant_messages').insert({ tenant_id: context.tenantId, conversation_id: conversation!.id, role: 'user', payload: JSON.stringify({ role: 'user', content: 'Walked question' }) });
    const [proposal] = await trx('ai_assistant_proposals').insert({
      tenant_id: context.tenantId, conversation_id: conversation!.id, user_id: me.user.id, tool: 'unsuspend_service', summary: 'Walked proposal',
      method: 'POST', path: `/api/v1/services/${context.ids.services ?? '00000000-0000-4000-8000-000000000000'}/unsuspend`,
    }).returning('id') as Array<{ id: string }>;
    return { conversations: conversation!.id, proposals: proposal!.id };
  });
}
