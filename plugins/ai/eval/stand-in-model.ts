import type { ChatRequest, Scripted } from '../../../test/fakes/openai/server.ts';
import { messageText } from '../../../test/fakes/openai/server.ts';

/**
 * The fake endpoint's default answers when no real model is configured: triage by keyword rules
 * and a draft citing the first article. It makes `npm run eval:ai` and the tests run offline; its
 * accuracy measures the pipeline (prompts, parsing, retrieval), not a model.
 */
const has = (text: string, words: string[]) => words.some((w) => new RegExp(`\\b${w}`, 'i').test(text));

function dataBlock(request: ChatRequest): string {
  const user = request.messages.filter((m) => m.role === 'user').map(messageText).join('\n');
  return /<data>([\s\S]*)<\/data>/.exec(user)?.[1] ?? user;
}

export function standInTriage(text: string): Record<string, string> {
  const department = has(text, ['invoice', 'refund', 'charged', 'payment', 'factura', 'pagu', 'bank transfer']) ? 'Billing'
    : has(text, ['upgrade', 'pricing', 'buy', 'quote', 'bigger plan']) ? 'Sales' : 'Technical support';
  const priority = has(text, ['down', 'outage', 'hacked', 'now!']) ? 'urgent'
    : has(text, ['twice', 'dos veces', 'deleted', 'overwritten', 'lost']) ? 'high'
      : has(text, ['how do i', 'what reference', 'does the', 'would like']) ? 'low' : 'medium';
  const sentiment = has(text, ['unacceptable', 'angry', 'terrible', 'now!']) ? 'negative' : has(text, ['thanks', 'great']) ? 'positive' : 'neutral';
  const language = has(text, ['ich', 'nicht', 'vergessen']) ? 'de' : has(text, ['hola', 'pagué', 'necesito']) ? 'es' : 'en';
  const subject = /### Ticket subject\n(.*)/.exec(text)?.[1] ?? text.slice(0, 80);
  return { department, priority, sentiment, summary: `Client writes about: ${subject.trim()}`, language };
}

export function standInModel(request: ChatRequest): Scripted {
  const system = request.messages.filter((m) => m.role === 'system').map(messageText).join('\n');
  const data = dataBlock(request);
  if (/triage/i.test(system)) return { content: JSON.stringify(standInTriage(data)) };
  const first = /### KB1: (.*)/.exec(data)?.[1];
  return { content: first ? `Thank you for your message. Our guide "${first}" explains the steps [KB1].` : 'Thank you for your message; a colleague will look into it.' };
}
