// The canary demo's load balancer: proxies every request to the `stable` or `canary` backend by weight,
// and has a JSON admin API that the `http` traffic router sets and reads back:
//   PUT /admin/routes/orders {"stable": 90, "canary": 10}  →  the new route
//   GET /admin/routes/orders  →  {"route": "orders", "backends": {"stable": {"address": ..., "weight": 90}, ...}}
import { Agent, createServer, request as forward } from 'node:http';

/**
 * Smooth weighted round-robin (the scheme nginx uses): each pick adds every backend's weight to its
 * credit and takes the backend with the most, which then pays the total. At 10 % every tenth request
 * goes to the canary, so the share is exact over any stretch of traffic, not just on average.
 */
function rotation(weights) {
  const credit = Object.fromEntries(Object.keys(weights).map((name) => [name, 0]));
  const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
  return () => {
    let best;
    for (const [name, weight] of Object.entries(weights)) {
      credit[name] += weight;
      if (best === undefined || credit[name] > credit[best]) best = name;
    }
    credit[best] -= total;
    return best;
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

const json = (res, status, value) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

/** Starts the balancer on 127.0.0.1 in front of `backends` ({stable: port, canary: port}), all traffic on stable. */
export async function startBalancer(backends) {
  let weights = { stable: 100, canary: 0 };
  let pick = rotation(weights);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const route = () => ({
    route: 'orders',
    backends: Object.fromEntries(
      Object.entries(backends).map(([name, port]) => [name, { address: `127.0.0.1:${port}`, weight: weights[name] }]),
    ),
  });

  async function admin(req, res) {
    if (req.url !== '/admin/routes/orders') return json(res, 404, { error: 'no such route' });
    if (req.method === 'GET') return json(res, 200, route());
    if (req.method !== 'PUT') return json(res, 405, { error: 'GET or PUT' });
    let wanted;
    try {
      wanted = JSON.parse(await readBody(req));
    } catch {
      return json(res, 400, { error: 'the body is not JSON' });
    }
    const names = Object.keys(backends);
    const valid =
      wanted &&
      typeof wanted === 'object' &&
      names.every((name) => Number.isInteger(wanted[name]) && wanted[name] >= 0) &&
      names.some((name) => wanted[name] > 0);
    if (!valid) return json(res, 400, { error: `expected whole, non-negative weights for ${names.join(' and ')}, not all 0` });
    weights = Object.fromEntries(names.map((name) => [name, wanted[name]]));
    pick = rotation(weights);
    return json(res, 200, route());
  }

  function proxy(req, res) {
    const upstream = forward(
      { host: '127.0.0.1', port: backends[pick()], path: req.url, method: req.method, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => json(res, 502, { error: `backend unreachable: ${error.message}` }));
    req.pipe(upstream);
  }

  const server = createServer((req, res) => (req.url.startsWith('/admin/') ? admin(req, res) : proxy(req, res)));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    adminUrl: `${url}/admin`,
    weights: () => ({ ...weights }),
    stop: () => {
      agent.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
