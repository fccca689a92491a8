import { io as connect, type Socket } from 'socket.io-client';

/**
 * Opens realtime sockets for a test and closes them all at the end: `open(url, token)` resolves
 * with the socket once connected, or rejects with the handshake's error.
 */
export function testSockets(): { open(url: string, token: string): Promise<Socket>; closeAll(): void } {
  const sockets: Socket[] = [];
  return {
    open: (url, token) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false });
        sockets.push(socket);
        socket.on('connect', () => resolve(socket)).on('connect_error', reject);
      }),
    closeAll: () => {
      for (const s of sockets) s.disconnect();
    },
  };
}
