import assert from 'node:assert/strict';
import { readNdjson, type AssistantEvent } from '../../ui/src/assistant/ndjson.ts';

/** A body delivered in the given pieces, as a network would split it. */
function body(pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const p of pieces) controller.enqueue(encoder.encode(p));
      controller.close();
    },
  });
}

describe('assistant chat UI: reading the NDJSON stream', () => {
  it('calls back per line as lines complete, joining lines split across chunks (and multi-byte characters)', async () => {
    const events: AssistantEvent[] = [];
    const euro = Buffer.from('{"type":"text","delta":"12 €"}\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"type":"conversation","conversationId":"c1"}\n{"type":"te'));
        controller.enqueue(new TextEncoder().encode('xt","delta":"Hel"}\n'));
        // The € sign cut in the middle of its bytes.
        controller.enqueue(new Uint8Array(euro.subarray(0, euro.length - 4)));
        controller.enqueue(new Uint8Array(euro.subarray(euro.length - 4)));
        controller.enqueue(new TextEncoder().encode('{"type":"done","text":"Hel12 €"}'));
        controller.close();
      },
    });
    await readNdjson(stream, (e) => events.push(e));
    assert.deepEqual(events, [
      { type: 'conversation', conversationId: 'c1' },
      { type: 'text', delta: 'Hel' },
      { type: 'text', delta: '12 €' },
      { type: 'done', text: 'Hel12 €' },
    ]);
  });

  it('ignores blank lines and rejects a line that is not JSON', async () => {
    const events: AssistantEvent[] = [];
    await readNdjson(body(['\n\n{"type":"text","delta":"a"}\n\n']), (e) => events.push(e));
    assert.equal(events.length, 1);
    await assert.rejects(readNdjson(body(['{"type":"text"}\nnot json\n']), () => undefined), SyntaxError);
  });
});
