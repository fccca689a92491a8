/**
 * Realtime notifications as toasts. socket.io-client is imported only after sign-in, so it is not
 * part of the login page's JavaScript. The server emits `notification` with
 * `{ severity?, summary, detail? }` to a user's, tenant's or permission's room (shown as a toast);
 * other events go to `onRealtime` listeners (screens and plugin UIs). The JWT goes in the handshake.
 */
import { ref } from 'vue';
import type { UiHost } from '@mpanel/sdk/ui';
import { tokens } from './tokens.ts';

type Socket = { disconnect(): void; on(event: string, cb: (payload: unknown) => void): void; onAny(cb: (event: string, payload: unknown) => void): void };
let socket: Socket | undefined;
/** Whether pushes can arrive (the layout exposes it as `data-realtime`, which the browser tests wait for). */
export const realtimeState = ref<'off' | 'connected' | 'disconnected'>('off');
/** Screens' and plugins' listeners by event name; kept across reconnects and sign-ins. */
const listeners = new Map<string, Set<(payload: unknown) => void>>();

/** Calls `handler` for each realtime `event` (`<plugin>:<event>`) until the returned function is called. */
export function onRealtime(event: string, handler: (payload: unknown) => void): () => void {
  const set = listeners.get(event) ?? new Set();
  listeners.set(event, set.add(handler));
  return () => void set.delete(handler);
}
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
    s.on('connect', () => (realtimeState.value = 'connected'));
    s.on('disconnect', () => (realtimeState.value = 'disconnected'));
    s.onAny((event, payload) => listeners.get(event)?.forEach((handler) => handler(payload)));
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
  realtimeState.value = 'off';
}
