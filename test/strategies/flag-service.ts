import { createHash } from 'node:crypto';
import { startServer, sendJson, sendText, type TestServer } from '../support/http-server';

export interface FlagService extends TestServer {
  /** Every percentage each flag was set to, in order. */
  history: Record<string, number[]>;
}

/** The bucket 0–99 a targeting key falls in for a flag, stable across runs as a provider's hash is. */
function bucket(flag: string, targetingKey: string): number {
  return createHash('sha256').update(`${flag}/${targetingKey}`).digest().readUInt32BE(0) % 100;
}

/**
 * A flag provider with percentage rollouts, speaking OFREP (shared/contracts.md) for evaluations and
 * a small admin API for the set-percentage command: `PUT /admin/flags/<key>` with the percentage.
 * `misroute` makes it serve a flag to that many times the share it was set to: a broken rollout
 * that only the measured exposure reveals. `deafKillSwitch` makes it accept a set to 0 and keep
 * serving the share it had: a kill switch that does nothing.
 */
export async function startFlagService(
  flags: string[],
  options: { misroute?: number; deafKillSwitch?: boolean } = {},
): Promise<FlagService> {
  const percent = new Map(flags.map((flag) => [flag, 0]));
  const history: Record<string, number[]> = Object.fromEntries(flags.map((flag) => [flag, []]));
  const server = await startServer((req, res) => {
    const admin = /^\/admin\/flags\/([^/]+)$/.exec(req.path);
    if (admin && req.method === 'PUT') {
      const key = decodeURIComponent(admin[1]!);
      if (!percent.has(key)) return sendText(res, 404, `no flag ${key}`);
      const wanted = Number(req.body);
      if (wanted !== 0 || !options.deafKillSwitch) percent.set(key, wanted);
      history[key]!.push(wanted);
      return sendText(res, 204, '');
    }
    const evaluation = /^\/ofrep\/v1\/evaluate\/flags\/([^/]+)$/.exec(req.path);
    if (!evaluation || req.method !== 'POST') return sendText(res, 404, 'page not found');
    const key = decodeURIComponent(evaluation[1]!);
    const share = percent.get(key);
    if (share === undefined) return sendJson(res, 404, { key, errorCode: 'FLAG_NOT_FOUND' });
    const targetingKey = (JSON.parse(req.body) as { context?: { targetingKey?: string } }).context?.targetingKey;
    if (!targetingKey) return sendJson(res, 400, { key, errorCode: 'TARGETING_KEY_MISSING' });
    const on = bucket(key, targetingKey) < share * (options.misroute ?? 1);
    sendJson(res, 200, { key, reason: 'SPLIT', variant: on ? 'on' : 'off', value: on });
  });
  return { ...server, history };
}
