/**
 * The fake Stripe API as its own process (benchmarks, manual testing): `node --import tsx
 * test/fakes/stripe/main.ts sk_test_a sk_test_b ...` registers those secret keys and prints
 * `{"url": "http://127.0.0.1:<port>"}` on one line once listening. Events are read back through
 * the API (`GET /v1/events`), as with Stripe.
 */
import { FakeStripeServer } from './server.ts';

const fake = await new FakeStripeServer().start();
for (const key of process.argv.slice(2)) fake.addAccount(key);
process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
