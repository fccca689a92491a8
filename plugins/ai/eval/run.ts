import OpenAI from 'openai';
import { startFakeOpenAi, type FakeOpenAi } from '../../../test/fakes/openai/server.ts';
import { parseTriage, triageMessages } from '../src/assist/triage.ts';
import { cosine } from '../src/assist/vectors.ts';
import { EVAL_ARTICLES, EVAL_DEPARTMENTS, EVAL_TICKETS } from './fixtures.ts';
import { standInModel } from './stand-in-model.ts';

/**
 * `npm run eval:ai`: the fixture tickets through the same triage prompt and parser and the same
 * embedding retrieval the plugin uses, against AI_BASE_URL / AI_API_KEY / AI_CHAT_MODEL /
 * AI_EMBEDDING_MODEL (without AI_BASE_URL: the local fake with its keyword stand-in, which checks
 * the pipeline, not a model). Prints accuracy per field, so models and endpoints can be compared.
 */
async function main(): Promise<void> {
  let fake: FakeOpenAi | undefined;
  if (!process.env.AI_BASE_URL) fake = await startFakeOpenAi({ respond: standInModel });
  const baseURL = process.env.AI_BASE_URL ?? fake!.url;
  const openai = new OpenAI({ baseURL, apiKey: process.env.AI_API_KEY ?? 'sk-fake', maxRetries: 1, timeout: 60_000 });
  const chatModel = process.env.AI_CHAT_MODEL ?? 'gpt-4o-mini';
  const embeddingModel = process.env.AI_EMBEDDING_MODEL ?? 'text-embedding-3-small';
  const departments = EVAL_DEPARTMENTS.map((name) => ({ id: name, name }));
  let tokens = 0;
  try {
    console.log(`AI eval: ${EVAL_TICKETS.length} tickets, ${EVAL_ARTICLES.length} articles, ${fake ? 'local fake endpoint (keyword stand-in)' : baseURL}, chat ${chatModel}, embeddings ${embeddingModel}\n`);
    const articleVectors = await openai.embeddings.create({ model: embeddingModel, input: EVAL_ARTICLES.map((a) => `${a.title}\n\n${a.body}`) });
    tokens += articleVectors.usage.total_tokens;
    const vectors = [...articleVectors.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    const score = { department: 0, priority: 0, article: 0, language: 0 };
    for (const t of EVAL_TICKETS) {
      const r = await openai.chat.completions.create({ model: chatModel, messages: triageMessages([...EVAL_DEPARTMENTS], t.subject, t.body), temperature: 0, max_tokens: 300, response_format: { type: 'json_object' } });
      tokens += r.usage?.total_tokens ?? 0;
      const s = parseTriage(r.choices[0]?.message.content ?? '', departments);
      const [q] = (await openai.embeddings.create({ model: embeddingModel, input: `${t.subject}\n${t.body}` })).data;
      const ranked = EVAL_ARTICLES.map((a, i) => ({ key: a.key, score: cosine(q!.embedding, vectors[i]!) })).sort((a, b) => b.score - a.score);
      const hit = { department: s.departmentId === t.department, priority: s.priority === t.priority, article: ranked[0]!.key === t.article, language: s.language === t.language };
      for (const k of Object.keys(hit) as Array<keyof typeof hit>) score[k] += hit[k] ? 1 : 0;
      const mark = (ok: boolean) => (ok ? '✓' : '✗');
      console.log(`${mark(hit.department)}${mark(hit.priority)}${mark(hit.article)}${mark(hit.language)} ${t.subject.padEnd(32)} dept ${String(s.departmentId)} / prio ${String(s.priority)} / KB ${ranked[0]!.key} / ${String(s.language)}`);
    }
    const pct = (n: number) => `${((100 * n) / EVAL_TICKETS.length).toFixed(0)}% (${n}/${EVAL_TICKETS.length})`;
    console.log(`\nDepartment accuracy: ${pct(score.department)}\nPriority accuracy:   ${pct(score.priority)}\nKB article (top 1):  ${pct(score.article)}\nLanguage:            ${pct(score.language)}\nTokens used:         ${tokens}`);
  } finally {
    await fake?.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
