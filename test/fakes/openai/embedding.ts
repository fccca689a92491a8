import { createHash } from 'node:crypto';

/** Dimensions of the fake's embeddings (small: the vectors travel as JSON). */
export const FAKE_EMBEDDING_DIMENSIONS = 256;

const STOP = new Set(['the', 'a', 'an', 'and', 'or', 'to', 'of', 'in', 'on', 'for', 'is', 'it', 'my', 'i', 'you', 'your', 'with', 'be', 'can', 'how', 'do', 'does', 'not', 'this', 'that', 'at', 'me', 'we', 'are', 'was', 'from', 'by', 'as']);

export function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1 && !STOP.has(w));
}

/**
 * A deterministic "embedding": a hashed bag of words, L2-normalised. Texts sharing words are
 * near each other, so a test knows which knowledge-base article really is nearest to a ticket.
 */
export function hashedBagOfWords(text: string, dimensions = FAKE_EMBEDDING_DIMENSIONS): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const w of words(text)) {
    const h = createHash('sha1').update(w).digest();
    v[h.readUInt32BE(0) % dimensions]! += h[4]! & 1 ? 1 : -1;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

/** A rough token count (OpenAI's tokenizer gives about 0.75 words per token). */
export const roughTokens = (text: string): number => Math.max(1, Math.ceil(text.split(/\s+/).filter(Boolean).length * 1.3));
