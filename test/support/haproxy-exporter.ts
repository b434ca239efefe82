import { freePort } from './prometheus';
import { waitFor } from './wait-for';
import { startHaproxy } from './traffic-servers';

export interface HaproxyExporter {
  /** host:port of the built-in Prometheus exporter (/metrics), as a scrape target. */
  metricsAddress: string;
  /** The frontend that balances requests over backend `app`'s servers. */
  url: string;
  stop(): Promise<void>;
}

/**
 * A real HAProxy: backend `app` with one server per entry of `servers` (name → host:port, equal
 * weights), and its built-in exporter (the `prometheus-exporter` service) on a second port.
 */
export async function startHaproxyExporter(servers: Record<string, string>): Promise<HaproxyExporter> {
  const metricsPort = await freePort();
  const weighted = Object.fromEntries(Object.entries(servers).map(([name, address]) => [name, { address, weight: 1 }]));
  const haproxy = await startHaproxy(
    weighted,
    `frontend metrics\n  bind 127.0.0.1:${metricsPort}\n  http-request use-service prometheus-exporter if { path /metrics }\n`,
  );
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).ok, 'the HAProxy exporter to answer', 10_000);
  } catch (error) {
    await haproxy.stop();
    throw error;
  }
  return { metricsAddress: `127.0.0.1:${metricsPort}`, url: `http://127.0.0.1:${haproxy.port}`, stop: () => haproxy.stop() };
}

/** Steady requests to `url` (`perSecond`), each on its own, until stopped: the traffic HAProxy measures. */
export function steadyRequests(url: string, perSecond: number): { stop(): void } {
  const timer = setInterval(
    () =>
      void fetch(url).then(
        (r) => r.text(),
        () => undefined,
      ),
    1000 / perSecond,
  );
  return { stop: () => clearInterval(timer) };
}
