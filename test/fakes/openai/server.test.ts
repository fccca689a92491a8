import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeOpenAi, type FakeOpenAi } from './server.ts';
import { hashedBagOfWords } from './embedding.ts';

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('fake OpenAI-compatible server (through the official openai SDK)', () => {
  let fake: FakeOpenAi;
  let client: OpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-test' });
    client = new OpenAI({ baseURL: fake.url, apiKey: 'sk-test', maxRetries: 0, timeout: 5000 });
  });
  afterEach(() => fake.close());

  it('answers a chat completion with usage', async () => {
    fake.script({ content: 'Hello there' });
    const r = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(r.choices[0]!.message.content, 'Hello there');
    assert.equal(r.choices[0]!.finish_reason, 'stop');
    assert.ok(r.usage!.prompt_tokens > 0 && r.usage!.completion_tokens > 0);
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0]!.path, '/chat/completions');
  });

  it('answers tool calls', async () => {
    fake.script({ toolCalls: [{ name: 'list_invoices', arguments: { status: 'unpaid' } }] });
    const r = await client.chat.completions.create({
      model: 'm', messages: [{ role: 'user', content: 'my invoices?' }],
      tools: [{ type: 'function', function: { name: 'list_invoices', parameters: { type: 'object', properties: { status: { type: 'string' } } } } }],
    });
    const call = r.choices[0]!.message.tool_calls![0]!;
    assert.equal(r.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(call.type, 'function');
    assert.equal(call.type === 'function' && call.function.name, 'list_invoices');
    assert.deepEqual(call.type === 'function' && JSON.parse(call.function.arguments), { status: 'unpaid' });
  });

  it('streams content and tool calls as server-sent events, with usage when asked', async () => {
    fake.script({ content: 'one two three' });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'count' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    assert.equal(text, 'one two three');
    assert.ok(usage && usage.completion_tokens > 0);

    fake.script({ toolCalls: [{ name: 'get_service', arguments: { id: 'abc' } }] });
    const runner = client.chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'get_service', parameters: { type: 'object' } } }] });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    assert.deepEqual(call.type === 'function' && JSON.parse(call.function.arguments), { id: 'abc' });
  });

  it('returns deterministic embeddings (float and the SDK default base64), nearest by shared words', async () => {
    const r = await client.embeddings.create({ model: 'e', input: ['reset my email password', 'dns records for a domain'] });
    assert.equal(r.data.length, 2);
    const asFloat = await client.embeddings.create({ model: 'e', input: 'reset my email password', encoding_format: 'float' });
    assert.deepEqual(asFloat.data[0]!.embedding, hashedBagOfWords('reset my email password'));
    for (let i = 0; i < 5; i++) assert.ok(Math.abs(r.data[0]!.embedding[i]! - asFloat.data[0]!.embedding[i]!) < 1e-6);
    const q = hashedBagOfWords('how do I reset the password of my email');
    assert.ok(cosine(q, r.data[0]!.embedding) > cosine(q, r.data[1]!.embedding));
    assert.ok(r.usage.prompt_tokens > 0);
  });

  it('answers 429 and 500 as the SDK error classes, once each with retries off', async () => {
    fake.script({ status: 429 });
    await assert.rejects(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), OpenAI.RateLimitError);
    fake.script({ status: 500 });
    await assert.rejects(client.embeddings.create({ model: 'e', input: 'x' }), OpenAI.InternalServerError);
    assert.equal(fake.requests.length, 2);
    fake.failAll(503);
    await assert.rejects(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => e instanceof OpenAI.APIError && e.status === 503);
  });

  it('refuses a wrong API key with 401', async () => {
    const other = new OpenAI({ baseURL: fake.url, apiKey: 'sk-wrong', maxRetries: 0 });
    await assert.rejects(other.models.list().then(() => other.chat.completions.create({ model: 'm', messages: [] })), OpenAI.AuthenticationError);
  });
});
