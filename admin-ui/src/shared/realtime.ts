/**
 * Realtime notifications as toasts. socket.io-client is imported only after sign-in, so it is not
 * part of the login page's JavaScript. The server emits `notification` with
 * `{ severity?, summary, detail? }` to the user's and tenant's rooms; the JWT goes in the handshake.
 */
import type { UiHost } from '@mpanel/sdk/ui';
import { tokens } from './tokens.ts';

type Socket = { disconnect(): void; on(event: string, cb: (payload: unknown) => void): void };
let socket: Socket | undefined;
/** True while a connection waits for the browser to be idle (a second call must not open another). */
let waiting = false;

/** Longest wait for an idle moment before connecting anyway. */
const IDLE_TIMEOUT_MS = 3000;

/**
 * Connects once the browser is idle after the page's first render: loading and starting the
 * socket.io client is main-thread work the first paint does not need (a notification can wait).
 */
export async function connectRealtime(notify: UiHost['notify']): Promise<void> {
  if (socket || waiting || !tokens.access) return;
  waiting = true;
  await new Promise<void>((resolve) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve(), { timeout: IDLE_TIMEOUT_MS }) : setTimeout(resolve, 0)));
  waiting = false;
  if (socket || !tokens.access) return; // signed out meanwhile
  try {
    const { io } = await import('socket.io-client');
    const s = io({ path: '/socket.io', auth: (cb: (data: object) => void) => cb({ token: tokens.access }), transports: ['websocket'], reconnectionAttempts: 5 });
    s.on('notification', (payload: unknown) => {
      const p = (payload ?? {}) as { severity?: 'success' | 'info' | 'warn' | 'error'; summary?: string; title?: string; detail?: string; message?: string };
      notify({ severity: p.severity ?? 'info', summary: p.summary ?? p.title ?? p.message ?? 'Notification', ...(p.detail ? { detail: p.detail } : {}) });
    });
    // A server without realtime (or an expired token) is not an error worth showing.
    s.on('connect_error', () => undefined);
    socket = s;
  } catch {
    socket = undefined;
  }
}

export function disconnectRealtime(): void {
  socket?.disconnect();
  socket = undefined;
}
