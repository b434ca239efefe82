// The canary demo's service, "orders": two slots, stable and canary, each serving the version written in
// $DEMO_DIR/<slot>-version (the launch's deploy command writes the canary's). Version 2.x has a bug:
// 3 in every 10 of its answers are 500s. GET /metrics, on either slot, answers the error rate of the
// whole service over its last WINDOW requests, every version together: what its users see.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const WINDOW = 400;
const SEED = 'launch-action demo';

/**
 * Which of a bad version's requests fail: 3 of each run of 10, the 3 drawn from a generator seeded
 * with SEED. They look random, yet any stretch of its traffic fails at 30 % give or take 3 requests,
 * so every run of the demo measures the same rates.
 */
function failsAt(index) {
  const block = Math.floor(index / 10);
  const draw = (position) => createHash('sha256').update(`${SEED}:${block}:${position}`).digest().readUInt32BE(0);
  const order = Array.from({ length: 10 }, (_, position) => position).sort((a, b) => draw(a) - draw(b));
  return order.slice(0, 3).includes(index % 10);
}

/** The last WINDOW answers, as {version, ok}: the service's own error rate, as its metrics would show it. */
function recentAnswers() {
  const answers = [];
  return {
    record(version, ok) {
      answers.push({ version, ok });
      if (answers.length > WINDOW) answers.shift();
    },
    summary() {
      const byVersion = {};
      for (const { version, ok } of answers) {
        byVersion[version] ??= { requests: 0, errors: 0 };
        byVersion[version].requests++;
        if (!ok) byVersion[version].errors++;
      }
      const errors = answers.filter((answer) => !answer.ok).length;
      return {
        window: WINDOW,
        requests: answers.length,
        errors,
        error_rate: answers.length ? errors / answers.length : null,
        by_version: byVersion,
      };
    },
  };
}

function deployedVersion(dir, slot) {
  try {
    return readFileSync(join(dir, `${slot}-version`), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Starts both slots on 127.0.0.1; resolves to their ports and the service's recent answers. */
export async function startOrders(dir) {
  const answers = recentAnswers();
  const served = new Map();
  const slot = (name) =>
    createServer((req, res) => {
      const json = (status, value) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.url === '/metrics') return json(200, answers.summary());
      const version = deployedVersion(dir, name);
      if (!version) return json(503, { error: `no version deployed in the ${name} slot` });
      const index = served.get(version) ?? 0;
      served.set(version, index + 1);
      const ok = !(version.startsWith('2.') && failsAt(index));
      answers.record(version, ok);
      return ok ? json(200, { order: req.url.split('/').pop(), version }) : json(500, { error: 'coupon lookup failed', version });
    });
  const servers = { stable: slot('stable'), canary: slot('canary') };
  await Promise.all(Object.values(servers).map((server) => new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))));
  return {
    ports: { stable: servers.stable.address().port, canary: servers.canary.address().port },
    summary: () => answers.summary(),
    stop: () =>
      Promise.all(
        Object.values(servers).map((server) => {
          server.closeAllConnections();
          return new Promise((resolve) => server.close(resolve));
        }),
      ),
  };
}
