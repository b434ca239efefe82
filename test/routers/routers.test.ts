import { describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSpec, eventsOf } from '../support/engine';
import { parseSpec } from '../../src/spec/load';
import { prepareLaunch } from '../../src/spec/prepare';
import { renderPlan, describeLiveSplit } from '../../src/report/plan';
import { defaultSettings } from '../../src/settings/inputs';
import { managedFile, parseSplitClientsBlock } from '../../src/routers/nginx';
import { NGINX_BINARY, appVersionsForTests, sample, startAppVersion, startHaproxy, startNginx } from '../support/traffic-servers';
import { checkLaunch } from '../../src/runner/check-launch';

/** An in-house balancer's admin API: PUT /weights stores {stable, canary}; GET reads them back; `ignore` makes it drop writes. */
async function startAdminApi(): Promise<{
  url: string;
  weights: Record<string, number>;
  requests: unknown[];
  ignore: boolean;
  stop(): Promise<void>;
}> {
  const state = { weights: { stable: 100, canary: 0 } as Record<string, number>, requests: [] as unknown[], ignore: false };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.method === 'PUT' && request.url === '/weights') {
        if (request.headers.authorization !== 'Bearer t0ken') return void response.writeHead(401).end('no');
        const parsed = JSON.parse(body) as { backends: Record<string, number> };
        state.requests.push(parsed);
        if (!state.ignore) state.weights = parsed.backends;
        return void response.end('{}');
      }
      if (request.method === 'GET' && request.url === '/weights') return void response.end(JSON.stringify({ backends: state.weights }));
      response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return Object.assign(state, { url, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

/** A canary with no-op deploy and remove, shifted by `router` (YAML, flow or block at six spaces). */
function canaryWith(router: string, steps: string, extra = ''): string {
  return `
launch:
${extra}  strategy:
    type: canary
    deploy: 'true'
    remove: 'true'
    router: ${router}
    steps: ${steps}
`;
}

function httpRouterSpec(url: string, steps: string): string {
  const router = `
      type: http
      set:
        url: ${url}/weights
        headers: { authorization: 'Bearer \${ADMIN_TOKEN}' }
        body: { backends: { stable: '\${LAUNCH_STABLE_WEIGHT}', canary: '\${LAUNCH_WEIGHT}' } }
      read: { url: ${url}/weights, weights: { stable: /backends/stable, canary: /backends/canary } }`;
  return canaryWith(router, steps, '  vars: { ADMIN_TOKEN: t0ken }\n');
}

describe('command router', () => {
  it('ends rollback_failed, saying where traffic still is, when the reset does not take', async () => {
    const { result, events } = await runSpec(
      canaryWith(
        `{ type: command, set_weight: 'echo "weight $LAUNCH_WEIGHT for $LAUNCH_CANARY_BACKEND"', read_weight: 'echo 25' }`,
        `[{ set_weight: 25 }, { analysis: [{ type: command, command: 'exit 1' }] }]`,
      ),
    );
    expect(result.status).toBe('rollback_failed');
    // The outcome itself (final line, summary, Slack) says where traffic is, not only the step's event.
    expect(result.reason).toContain(
      "rollback failed at phase 'canary.step-1.weight-25': rollback traffic: command router reads back canary 25%, stable 75%",
    );
    const reset = eventsOf(events, 'rollback.phase').find((event) => event.phase === 'canary.step-1.weight-25')!;
    expect(reset).toMatchObject({
      ok: false,
      error: 'rollback traffic: command router reads back canary 25%, stable 75%, expected canary 0%, stable 100%',
    });
    // A quarter of the traffic may still reach the canary: its deploy is held, not removed under it.
    expect(eventsOf(events, 'rollback.phase').find((event) => event.phase === 'canary.deploy')).toMatchObject({
      ok: false,
      error:
        "held, not undone: traffic is not back where it was (rollback of phase 'canary.step-1.weight-25' failed)" +
        ', and this phase may be serving it',
    });
  });

  it('fails the step when the read-back differs from the weight set', async () => {
    const { result } = await runSpec(
      canaryWith(`{ type: command, set_weight: 'true', read_weight: 'echo "$((LAUNCH_WEIGHT / 2))"' }`, '[{ set_weight: 50 }]'),
    );
    // Half of 0 is 0: the reset reads back all-stable, so the rollback holds.
    expect(result).toMatchObject({
      status: 'rolled_back',
      failedPhase: 'canary.step-1.weight-50',
      reason: 'traffic: command router reads back canary 25%, stable 75%, expected canary 50%, stable 50%',
    });
  });
});

describe('http router', () => {
  it('sends the weights as JSON numbers with templated headers, reads them back, and resets to stable on rollback', async () => {
    const api = await startAdminApi();
    try {
      const { result } = await runSpec(
        httpRouterSpec(api.url, `[{ set_weight: 30 }, { analysis: [{ type: command, command: 'exit 1' }] }]`),
      );
      expect(result.status).toBe('rolled_back');
      expect(api.requests).toEqual([{ backends: { stable: 70, canary: 30 } }, { backends: { stable: 100, canary: 0 } }]);
      expect(api.weights).toEqual({ stable: 100, canary: 0 });
    } finally {
      await api.stop();
    }
  });

  it('fails a step whose write the balancer ignored', async () => {
    const api = await startAdminApi();
    api.ignore = true;
    try {
      const { result } = await runSpec(httpRouterSpec(api.url, '[{ set_weight: 30 }]'));
      // The reset after the failed step reads back all-stable (the weights never moved): the rollback holds.
      expect(result).toMatchObject({
        status: 'rolled_back',
        reason: 'traffic: http router reads back canary 0%, stable 100%, expected canary 30%, stable 70%',
      });
    } finally {
      await api.stop();
    }
  });
});

describe('routers in the plan and the spec', () => {
  it('shows the router, the split each step sets, the reset, and the live split', async () => {
    const api = await startAdminApi();
    try {
      const launch = prepareLaunch(parseSpec(httpRouterSpec(api.url, '[{ set_weight: 10 }, { set_weight: 100 }]'), 'launch.yml'));
      const plan = renderPlan(launch, checkLaunch(launch, defaultSettings()), { ADMIN_TOKEN: 't0ken' }, tmpdir());
      expect(plan.problems).toEqual([]);
      expect(plan.text).toContain(
        `run:      traffic → canary 10%, stable 90% with http PUT ${api.url}/weights` +
          `, read back with GET ${api.url}/weights, then read back`,
      );
      expect(plan.text).toContain('rollback: traffic → canary 0%, stable 100% with http');
      expect(plan.text).toContain('Rollback order on failure: canary.step-1.weight-10 → canary.deploy');
      api.weights = { stable: 3, canary: 1 };
      expect(await describeLiveSplit(launch, { ADMIN_TOKEN: 't0ken' }, tmpdir())).toBe(
        `Live split now: canary 25%, stable 75% (http PUT ${api.url}/weights, read back with GET ${api.url}/weights)`,
      );
    } finally {
      await api.stop();
    }
  });

  it('shows an nginx split_clients router and the live split read from its file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launch-plan-'));
    try {
      const file = join(dir, 'split.conf');
      const launch = prepareLaunch(
        parseSpec(
          canaryWith(
            `{ type: nginx, file: ${file}, upstream: shop, servers: { stable: '10.0.0.11:8080', canary: '10.0.0.12:8080' },` +
              ` split_clients: { key: '$cookie_user' } }`,
            '[{ set_weight: 25 }]',
          ),
          'launch.yml',
        ),
      );
      const plan = renderPlan(launch, checkLaunch(launch, defaultSettings()), {}, tmpdir());
      const described = `nginx split_clients on $cookie_user setting $shop in ${file} (stable 10.0.0.11:8080, canary 10.0.0.12:8080)`;
      expect(plan.text).toContain(`run:      traffic → canary 25%, stable 75% with ${described}, then read back`);
      const router = launch.phases.find((phase) => phase.traffic)!.traffic!.router as Parameters<typeof managedFile>[0];
      writeFileSync(file, managedFile(router, { stable: 'stable', canary: 'canary', weight: 25 }));
      expect(await describeLiveSplit(launch, {}, tmpdir())).toBe(`Live split now: canary 25%, stable 75% (${described})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses foreign backends, a router beside the command it replaces, and a split_clients variable nginx cannot name', () => {
    expect(() =>
      parseSpec(
        canaryWith('{ type: haproxy, socket: /run/admin.sock, backend: app, servers: { old: s1, new: s2 } }', '[{ set_weight: 10 }]'),
        'launch.yml',
      ),
    ).toThrow(/router.*backends old, new, expected exactly stable and canary/);
    const both = canaryWith(`{ type: command, set_weight: 'true' }`, '[{ set_weight: 10 }]').replace(
      "    remove: 'true'\n",
      "    remove: 'true'\n    set_weight: 'true'\n",
    );
    expect(() => parseSpec(both, 'launch.yml')).toThrow(/exactly one of set_weight \(a command\) or router/);
    expect(() =>
      parseSpec(
        canaryWith(
          `{ type: nginx, file: /tmp/x.conf, upstream: shop-app, servers: { stable: 'a:1', canary: 'b:1' },` +
            ` split_clients: { key: '$request_id' } }`,
          '[{ set_weight: 10 }]',
        ),
        'launch.yml',
      ),
    ).toThrow(/upstream: with split_clients the upstream names the variable \$shop-app/);
  });
});

/** What real `nginx -t` says of an http block including `managed` and proxying to `$app`: '' when it passes. */
function nginxTest(managed: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'launch-nginx-t-'));
  try {
    writeFileSync(join(dir, 'managed.conf'), managed);
    writeFileSync(
      join(dir, 'nginx.conf'),
      `pid ${dir}/nginx.pid;\nevents {}\nhttp {\n  include ${dir}/managed.conf;\n` +
        `  server { listen 127.0.0.1:1; location / { proxy_pass http://$app; } }\n}\n`,
    );
    execFileSync(NGINX_BINARY, ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'], { stdio: 'pipe' });
    return '';
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('nginx router', () => {
  const apps = appVersionsForTests();

  it('writes a split_clients file that nginx accepts at 0 %, 100 % and between, and reads each weight back', () => {
    for (const key of ['$request_id', '${remote_addr}${http_user_agent}']) {
      const config = parseSpec(
        canaryWith(
          `{ type: nginx, file: /tmp/x.conf, upstream: app, servers: { stable: '127.0.0.1:1', canary: '127.0.0.1:2' },` +
            ` split_clients: { key: '${key}' } }`,
          '[{ set_weight: 10 }]',
        ),
        'launch.yml',
      ).strategy as { router: Parameters<typeof managedFile>[0] };
      for (const weight of [0, 1, 50, 99, 100])
        expect(nginxTest(managedFile(config.router, { stable: 'stable', canary: 'canary', weight })), `${key} at ${weight}%`).toBe('');
      for (let weight = 0; weight <= 100; weight++) {
        const split = parseSplitClientsBlock(managedFile(config.router, { stable: 'stable', canary: 'canary', weight }));
        expect({ canary: split.canary ?? 0, stable: split.stable ?? 0 }).toEqual({ canary: weight, stable: 100 - weight });
      }
    }
    // The witness that the check can fail: nginx refuses a 0% entry, the form the router never writes.
    expect(nginxTest('upstream app_a { server 127.0.0.1:1; }\nsplit_clients "$request_id" $app { 0% app_a; * app_a; }\n')).toContain(
      'invalid percent value "0%"',
    );
  });

  it('keeps the last good file and reloads nothing when nginx -t fails', async () => {
    const nginx = await startNginx({ stable: apps.v1.address, canary: apps.v2.address });
    try {
      // The configuration test fails for weight 40 only, so the reset to 0 afterwards goes through.
      const { result } = await runSpec(
        canaryWith(`\n${nginx.routerYaml(`${NGINX_BINARY} -t -q ${nginx.options} && [ "$LAUNCH_WEIGHT" != 40 ]`)}`, '[{ set_weight: 40 }]'),
      );
      expect(result.status).toBe('rolled_back');
      expect(result.reason).toMatch(/^traffic: the configuration test failed, nothing reloaded/);
      expect(readFileSync(nginx.upstreamFile, 'utf8')).toBe(nginx.initialUpstream);
      expect(await sample(nginx.port, 200)).toEqual({ v1: 200 });
    } finally {
      await nginx.stop();
    }
  });
});

describe('blue_green with the haproxy router', () => {
  it('switches all traffic to the idle colour and straight back when post-switch analysis fails', async () => {
    const [blue, green] = await Promise.all([startAppVersion('v1'), startAppVersion('v2')]);
    const haproxy = await startHaproxy({ blue: { address: blue.address, weight: 100 }, green: { address: green.address, weight: 0 } });
    try {
      const { result, output } = await runSpec(`
launch:
  strategy:
    type: blue_green
    live_color: blue
    deploy: 'true'
    router: { type: haproxy, socket: ${JSON.stringify(haproxy.socket)}, backend: app, servers: { blue: blue, green: green } }
    post_switch: [{ type: command, name: after-switch, command: 'exit 1' }]
`);
      expect(result.status).toBe('rolled_back');
      expect(output).toContain('blue-green.switch: [router] haproxy router set and read back green 100%, blue 0%');
      expect(output).toContain('blue-green.switch: [router] haproxy router set and read back green 0%, blue 100%');
      expect(await sample(haproxy.port, 200)).toEqual({ v1: 200 });
    } finally {
      await haproxy.stop();
      await Promise.all([blue.stop(), green.stop()]);
    }
  });
});

describe('docs/strategies.md', () => {
  it('shows a complete, valid spec for every router', () => {
    const docs = readFileSync(new URL('../../docs/strategies.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf('## Traffic routers'), docs.indexOf('## feature_flag'));
    // Launch specs only: the Kubernetes section shows a manifest too (its own test validates it).
    const specs = [...section.matchAll(/```yaml\n(launch:[\s\S]*?)```/g)].map((match) => parseSpec(match[1]!, 'docs.yml'));
    const routers = specs.map((spec) => (spec.strategy as { router?: { type: string; split_clients?: unknown } }).router);
    expect(routers.map((router) => `${router?.type}${router?.split_clients ? ' split_clients' : ''}`)).toEqual([
      'command',
      'nginx',
      'nginx split_clients',
      'haproxy',
      'http',
      'command',
      'command',
    ]);
  });
});
