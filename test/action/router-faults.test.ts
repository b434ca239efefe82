import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '../support/run-action';
import { workspace } from '../support/workspace';
import { sample, startAppVersion, startHaproxy, type AppVersion, type HaproxyServer } from '../support/traffic-servers';

/**
 * A stand-in for HAProxy's admin socket in front of the real one: it records every Runtime API
 * exchange, and holds (never forwards, never answers) those that `stall` picks, as a wedged
 * HAProxy or a saturated admin socket would.
 */
async function startRuntimeProxy(
  target: string,
  stall: (commands: string) => boolean,
): Promise<{ socket: string; forwarded: string[]; stalled: string[]; close(): Promise<void> }> {
  const socket = join(mkdtempSync(join(tmpdir(), 'launch-runtime-proxy-')), 'proxy.sock');
  const forwarded: string[] = [];
  const stalled: string[] = [];
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => {});
    client.once('data', (chunk: Buffer) => {
      const commands = chunk.toString().trim();
      if (stall(commands)) return void stalled.push(commands);
      forwarded.push(commands);
      const upstream = connect(target, () => upstream.end(chunk));
      upstream.on('error', () => client.destroy());
      upstream.pipe(client);
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    forwarded,
    stalled,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of open) client.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A canary behind HAProxy: 25 % then 50 %, through `socket`; the exchange limit outlasts the runner's 10 s cancellation. */
function canarySpec(socket: string, extraStep = ''): string {
  return `launch:
  strategy:
    type: canary
    deploy: echo deployed >> commands.log
    remove: echo removed >> commands.log
    router: { type: haproxy, socket: ${JSON.stringify(socket)}, backend: app, servers: { stable: stable, canary: canary }, timeout: 30s }
    steps: [{ set_weight: 25 }, ${extraStep}{ set_weight: 50 }]
`;
}

const resets = (exchanges: readonly string[]): string[] =>
  exchanges.filter((commands) => commands.startsWith('set server') && /canary weight 0\b/.test(commands));

describe('a canary behind real HAProxy, through dist/ as the runner runs it', () => {
  let servers: { v1?: AppVersion; v2?: AppVersion; haproxy?: HaproxyServer; proxy?: { close(): Promise<void> } } = {};
  afterEach(async () => {
    await servers.proxy?.close();
    await servers.haproxy?.stop();
    await Promise.all([servers.v1?.stop(), servers.v2?.stop()]);
    servers = {};
  });

  async function start(): Promise<HaproxyServer> {
    const [v1, v2] = await Promise.all([startAppVersion('v1'), startAppVersion('v2')]);
    const haproxy = await startHaproxy({ stable: { address: v1.address, weight: 100 }, canary: { address: v2.address, weight: 0 } });
    servers = { v1, v2, haproxy };
    return haproxy;
  }

  it('SIGINT in a stalled weight shift ends the step at once; the post step resets traffic to stable once and reads it back', async () => {
    const haproxy = await start();
    const proxy = await startRuntimeProxy(haproxy.socket, (commands) => commands.includes('weight 50'));
    servers.proxy = proxy;
    const ws = workspace(canarySpec(proxy.socket));
    const inputs = { spec: 'launch.yml', 'working-directory': ws.dir };
    const main = await runAction({ inputs, cwd: ws.dir, interruptWhen: 'set server app/canary weight 50', timeoutMs: 30_000 });
    // The shift to 50 % never answered: the cancellation ends the stalled exchange, so the step stops on the
    // runner's SIGINT (a failed launch) instead of living on to its SIGKILL.
    expect(main.exitCode, main.stdout).toBe(1);
    expect(main.stdout).toContain('Received SIGINT');
    expect(main.stdout).not.toContain('Received SIGTERM');
    expect(proxy.stalled).toHaveLength(1);
    expect(await sample(haproxy.port, 200)).toMatchObject({ v2: expect.any(Number) });

    const post = await runAction({ inputs, cwd: ws.dir, state: main.state, timeoutMs: 30_000 });
    expect(post.exitCode, post.stdout).toBe(0);
    expect(post.stdout).toContain('[router] haproxy router set and read back canary 0%, stable 100%');
    // Exactly one reset reached HAProxy, and a read-back followed it.
    expect(resets(proxy.forwarded)).toHaveLength(1);
    expect(proxy.forwarded.at(-1)).toBe('get weight app/stable; get weight app/canary');
    expect(ws.log()).toEqual(['deployed', 'removed']);
    expect(await sample(haproxy.port, 200)).toEqual({ v1: 200 });
  }, 60_000);

  it('a reset that cannot reach the router is reported loudly as rollback_failed, naming the phase and why', async () => {
    const haproxy = await start();
    const ws = workspace(canarySpec(haproxy.socket, '{ pause: 30s }, '));
    const inputs = { spec: 'launch.yml', 'working-directory': ws.dir };
    const main = await runAction({ inputs, cwd: ws.dir, interruptWhen: '[canary.step-2', timeoutMs: 30_000 });
    expect(main.outputs.status, main.stdout).toBe('failed');
    // The router goes away before the post step: its admin socket is gone.
    await servers.haproxy!.stop();
    servers.haproxy = undefined;

    const post = await runAction({ inputs, cwd: ws.dir, state: main.state, timeoutMs: 30_000 });
    expect(post.exitCode).toBe(1);
    expect(post.stdout).toMatch(/^::error::ROLLBACK FAILED after the interrupted launch/m);
    // An error annotation for the step that failed, saying why: the router could not be reached.
    expect(post.stdout).toContain(
      `::error::‼ ROLLBACK FAILED for Set canary weight to 25%25 [canary.step-1.weight-25]` +
        `: rollback traffic: HAProxy Runtime API at ${haproxy.socket}: connect ENOENT`,
    );
    expect(post.stdout).toMatch(
      /^::error::‼ rollback incomplete: canary.step-1.weight-25, canary.deploy could not be undone; manual action needed$/m,
    );
    expect(post.summary).toContain('| Set canary weight to 25% `canary.step-1.weight-25` | 🚨 rollback failed |');
    // The canary may still take a quarter of the traffic: removing it would fail those requests, so it is held.
    expect(post.stdout).toContain(
      "held, not undone: traffic is not back where it was (rollback of phase 'canary.step-1.weight-25' failed)",
    );
    expect(ws.log()).toEqual(['deployed']);
  }, 60_000);
});
