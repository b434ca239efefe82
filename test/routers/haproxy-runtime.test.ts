import { describe, expect, it } from 'vitest';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimeCommands } from '../../src/routers/haproxy-runtime';

/** An admin socket that takes connections and never answers: HAProxy hung mid-launch. */
async function stalledSocket(): Promise<{ path: string; received: string[]; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'stalled-haproxy-'));
  const path = join(dir, 'admin.sock');
  const received: string[] = [];
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    open.add(socket);
    socket.on('data', (chunk) => received.push(chunk.toString()));
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    path,
    received,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('HAProxy Runtime API exchange', () => {
  it('a cancellation ends the wait on a stalled socket at once, naming the socket', async () => {
    const haproxy = await stalledSocket();
    try {
      const controller = new AbortController();
      const exchange = runtimeCommands({ socket: haproxy.path }, ['get weight app/s1'], 60_000, controller.signal);
      // The command reached HAProxy before the cancellation, so the stall is HAProxy's, not ours.
      for (let i = 0; i < 200 && haproxy.received.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(haproxy.received.join('')).toBe('get weight app/s1\n');
      controller.abort();
      // "cancelled", not the 60 s limit's "no answer": the wait ended on the cancellation.
      await expect(exchange).rejects.toThrow(`HAProxy Runtime API at ${haproxy.path}: cancelled`);
    } finally {
      await haproxy.close();
    }
  });

  it('an already cancelled step does not connect', async () => {
    const haproxy = await stalledSocket();
    try {
      await expect(runtimeCommands({ socket: haproxy.path }, ['get weight app/s1'], 60_000, AbortSignal.abort())).rejects.toThrow(
        'cancelled',
      );
      expect(haproxy.received).toEqual([]);
    } finally {
      await haproxy.close();
    }
  });

  it('without a cancellation, the limit ends the wait', async () => {
    const haproxy = await stalledSocket();
    try {
      await expect(runtimeCommands({ socket: haproxy.path }, ['get weight app/s1'], 200)).rejects.toThrow('no answer within 200 ms');
    } finally {
      await haproxy.close();
    }
  });
});
