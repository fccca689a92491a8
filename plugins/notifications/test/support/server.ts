import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { superAdminToken } from '../../../../core/src/testing/auth.ts';
// eslint-disable-next-line no-restricted-imports
import { waitFor } from '../../../../core/test/plugins/wait.ts';
// eslint-disable-next-line no-restricted-imports
import { header, SmtpCapture, type ReceivedMail } from '../../../../core/test/mail/smtp-capture.ts';
import { decodedHeader } from './mime.ts';

export { header, waitFor, type ReceivedMail };

/** A platform with every plugin of the repository (notifications among them) mailing to an in-process SMTP server. */
export async function startMailServer(): Promise<{ server: TestServer; smtp: SmtpCapture; admin: string; tenantId: string; close(): Promise<void> }> {
  const smtp = new SmtpCapture();
  const port = await smtp.listen();
  // The capture server listens on loopback, which the operator has to allow.
  const server = await startTestServer({ env: { MPANEL_ALLOW_PRIVATE_TARGETS: 'true' } });
  const admin = await superAdminToken(server);
  const tenantId = ((await server.knex('tenants').where({ slug: 'default' }).first('id')) as { id: string }).id;
  await server.running.platform.container.cradle.mail.saveSettings(tenantId, { host: '127.0.0.1', port, secure: false, fromEmail: 'noreply@acme.test' });
  return { server, smtp, admin, tenantId, close: async () => { await server.close(); await smtp.close(); } };
}

/** A request that must succeed; resolves to `data`. */
export function api(server: TestServer, token: string) {
  return async (method: string, path: string, payload?: unknown) => {
    const res = await server.request(method, path, { token, ...(payload === undefined ? {} : { body: payload }) });
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
}

export function mailTo(smtp: SmtpCapture, to: string, subject: string | RegExp, timeout = 20_000): Promise<ReceivedMail> {
  const matches = (s: string) => (typeof subject === 'string' ? s === subject : subject.test(s));
  return waitFor<ReceivedMail>(async () => smtp.received.find((m) => m.to.includes(to) && matches(decodedHeader(m.raw, 'Subject'))), timeout);
}
