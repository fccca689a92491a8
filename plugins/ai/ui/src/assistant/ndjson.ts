/** One line of the assistant's stream (see the server's chat-turn.ts). */
export type AssistantEvent =
  | { type: 'conversation'; conversationId: string }
  | { type: 'text'; delta: string }
  | { type: 'tool'; tool: string; outcome: string; status?: number }
  | { type: 'proposal'; proposal: Proposal }
  | { type: 'done'; text: string }
  | { type: 'error'; error: string; status: number };

export interface Proposal { proposalId: string; summary: string; method: string; path: string; body?: unknown; status: string }

/** Reads an NDJSON body as it arrives, calling `onEvent` per complete line (a line split across chunks is joined). */
export async function readNdjson(body: ReadableStream<Uint8Array>, onEvent: (event: AssistantEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    buffered += decoder.decode(value ?? new Uint8Array(), { stream: !done });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) onEvent(JSON.parse(line) as AssistantEvent);
      newline = buffered.indexOf('\n');
    }
    if (done) break;
  }
  if (buffered.trim()) onEvent(JSON.parse(buffered) as AssistantEvent);
}
