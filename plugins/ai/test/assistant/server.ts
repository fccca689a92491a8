// eslint-disable-next-line no-restricted-imports -- tests boot core's test server
import type { TestServer } from '../../../../core/src/testing/test-server.ts';
import { startAiServer } from '../assist/harness.ts';

/** The assistant calls the platform's own API over HTTP: the AI plugins' test server (billing, support, ai). */
export async function startAssistantServer(): Promise<{ server: TestServer; close(): Promise<void> }> {
  return startAiServer();
}

/** Points a tenant's assistant at an OpenAI-compatible endpoint, through its AI settings like an admin does. */
export async function configureAi(server: TestServer, token: string, baseUrl: string): Promise<void> {
  const body = { baseUrl, apiKey: 'sk-assistant-test', chatModel: 'fake-chat', embeddingModel: 'fake-embed', assistant: true, triage: false };
  const res = await server.request('PUT', '/api/v1/ai/settings', { token, body });
  if (res.status !== 200) throw new Error(`AI settings refused: ${res.status} ${JSON.stringify(res.body)}`);
}
