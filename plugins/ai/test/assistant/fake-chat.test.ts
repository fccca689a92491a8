import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeChat, type FakeChat } from './fake-chat.ts';

describe('fake chat server (OpenAI-compatible, for the assistant tests)', () => {
  let fake: FakeChat;
  let openai: OpenAI;
  before(async () => {
    fake = await startFakeChat();
    openai = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
  });
  after(() => fake.close());

  it('answers a scripted tool call, non-streamed, read by the official SDK', async () => {
    fake.script({ toolCalls: [{ name: 'get_invoice', arguments: { id: 'abc' } }] });
    const res = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    const call = res.choices[0]!.message.tool_calls![0]!;
    assert.equal(res.choices[0]!.finish_reason, 'tool_calls');
    assert.ok(call.type === 'function');
    assert.deepEqual([call.function.name, JSON.parse(call.function.arguments)], ['get_invoice', { id: 'abc' }]);
  });

  it('streams text in several chunks and tool calls in fragments, with usage', async () => {
    fake.script({ content: 'Hello there, how are you today?' }, (req) => ({ content: `seen ${req.messages.length}`, toolCalls: [{ name: 'x', arguments: '{"a":1,"b":"two"}' }] }));
    const stream = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    const pieces: string[] = [];
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(pieces.length > 2, pieces.join('|'));
    assert.equal(pieces.join(''), 'Hello there, how are you today?');
    assert.equal(usage?.total_tokens, 60);
    const second = openai.chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] });
    const final = await second.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    assert.equal(final.choices[0]!.message.content, 'seen 2');
    assert.ok(call.type === 'function');
    assert.deepEqual(JSON.parse(call.function.arguments), { a: 1, b: 'two' });
  });

  it('answers 500 when nothing is scripted, which the SDK reports as an APIError', async () => {
    await assert.rejects(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }), (err: unknown) => err instanceof OpenAI.APIError && err.status === 500);
  });
});
