// The canary demo's users: a steady RATE requests a second to the balancer, so the error rate the
// launch measures comes from real requests through the real split.
import { Agent, get } from 'node:http';

export const RATE = 400;
const TICK_MS = 25;
const MAX_IN_FLIGHT = 64;

/** Sends traffic until stopped; `counts()` are its answers by version and status since the last `reset()`. */
export function startTraffic(baseUrl) {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  let inFlight = 0;
  let sent = 0;
  let counts = {};
  const count = (key) => (counts[key] = (counts[key] ?? 0) + 1);

  function one() {
    inFlight++;
    const req = get(`${baseUrl}/orders/${++sent}`, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        inFlight--;
        let version = 'unknown';
        try {
          version = JSON.parse(body).version ?? version;
        } catch {
          // Not JSON (an error page): counted as 'unknown'.
        }
        count(`${version} ${res.statusCode}`);
      });
    });
    req.on('error', (error) => {
      inFlight--;
      count(`failed: ${error.message}`);
    });
  }

  // Paced, not as fast as possible: the same rate on a busy machine as on an idle one, until it cannot keep up.
  const perTick = (RATE * TICK_MS) / 1000;
  const timer = setInterval(() => {
    for (let i = 0; i < perTick && inFlight < MAX_IN_FLIGHT; i++) one();
  }, TICK_MS);
  return {
    counts: () => ({ ...counts }),
    reset() {
      counts = {};
    },
    stop() {
      clearInterval(timer);
      agent.destroy();
    },
  };
}
