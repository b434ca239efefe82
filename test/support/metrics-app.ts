import { Counter, Histogram, Registry } from 'prom-client';
import { startServer, sendText } from './http-server';

export interface MetricsAppOptions {
  /** Reported as the `version` label, so a canary and its baseline can share one Prometheus. */
  version?: string;
  errorRate?: number;
  latencyMs?: number;
  /** Requests per second the app sends itself; 0 leaves the traffic to the test. */
  trafficPerSecond?: number;
  /** Which instrumentation's metric and label names the app exposes (default `app`). */
  naming?: keyof typeof NAMINGS;
  /**
   * A seeded generator: each request then fails at random with probability errorRate, and takes
   * between 0.5 and 1.5 × latencyMs, instead of the exact error budget.
   */
  random?: () => number;
  /**
   * Requests per second the app records as served without any HTTP (drawn with `random`): the
   * production-sized volumes a soak needs, which real requests on a small machine cannot reach.
   * The request counter counts each; the latency histogram gets one request in LATENCY_SAMPLE_EVERY
   * (a quantile reads the histogram's shape, and observing each costs microseconds).
   */
  simulatedPerSecond?: number;
}

/**
 * Metric and label names of common instrumentation. A request counter by status, when there is one,
 * and a latency histogram in seconds; OpenTelemetry's histogram carries the status and its `_count`
 * is the request count.
 */
const NAMINGS = {
  app: {
    requests: { name: 'app_requests_total', status: 'status' },
    duration: { name: 'app_request_duration_seconds', status: undefined },
    version: 'version',
  },
  'http-requests-total': {
    requests: { name: 'http_requests_total', status: 'code' },
    duration: { name: 'http_request_duration_seconds', status: undefined },
    version: 'version',
  },
  'otel-http': {
    requests: undefined,
    duration: { name: 'http_server_request_duration_seconds', status: 'http_response_status_code' },
    version: 'service_version',
  },
} as const;

export interface MetricsApp {
  url: string;
  /** host:port, as a scrape target. */
  address: string;
  /** Share of requests answered 500 from now on (0–1). */
  setErrorRate(rate: number): void;
  setLatency(ms: number): void;
  /** Requests served so far. */
  served(): number;
  close(): Promise<void>;
}

/**
 * A small service instrumented with prom-client: by default `app_requests_total{status,version}` and
 * the `app_request_duration_seconds{version}` histogram, or another naming. GET /work (or /) is the
 * business endpoint; the test sets its error rate and latency, and the app drives its own steady traffic.
 */
export async function startMetricsApp(options: MetricsAppOptions = {}): Promise<MetricsApp> {
  const version = options.version ?? 'v1';
  let errorRate = options.errorRate ?? 0;
  let latencyMs = options.latencyMs ?? 2;
  // Deterministic errors: a budget that fills by `errorRate` per request and spends 1 per error.
  let errorBudget = 0;
  let served = 0;

  const naming = NAMINGS[options.naming ?? 'app'];
  const registry = new Registry();
  const requestCounter = naming.requests;
  const requests =
    requestCounter &&
    new Counter({
      name: requestCounter.name,
      help: 'Requests served',
      labelNames: [requestCounter.status, naming.version],
      registers: [registry],
    });
  const durationStatus = naming.duration.status;
  const duration = new Histogram({
    name: naming.duration.name,
    help: 'Request latency',
    labelNames: [naming.version, ...(durationStatus ? [durationStatus] : [])],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.8, 1, 2.5],
    registers: [registry],
  });
  const statusLabels = (status: string, name: string | undefined) => (name ? { [name]: status } : {});
  // Both series exist from the start, so a rate of errors reads 0 rather than "no data" while healthy.
  for (const status of ['500', '200']) {
    requests?.labels({ [naming.version]: version, ...statusLabels(status, requestCounter?.status) }).inc(0);
    if (durationStatus) duration.zero({ [naming.version]: version, ...statusLabels(status, durationStatus) });
  }

  const random = options.random;
  const fails = (): boolean => {
    if (random) return random() < errorRate;
    errorBudget += errorRate;
    const failed = errorBudget >= 1;
    if (failed) errorBudget -= 1;
    return failed;
  };
  // Label children looked up once: a soak records thousands of requests a second per app.
  const children = Object.fromEntries(
    ['500', '200'].map((status) => [
      status,
      {
        requests: requests?.labels({ [naming.version]: version, ...statusLabels(status, requestCounter?.status) }),
        duration: duration.labels({ [naming.version]: version, ...statusLabels(status, durationStatus) }),
      },
    ]),
  );
  const record = (failed: boolean, seconds: number): void => {
    const child = children[failed ? '500' : '200']!;
    served += 1;
    child.requests?.inc();
    child.duration.observe(seconds);
  };
  /** `count` simulated requests: each fails or not, and every LATENCY_SAMPLE_EVERY-th is timed. */
  const simulate = (count: number): void => {
    const draw = random ?? Math.random;
    let failures = 0;
    for (let i = 0; i < count; i++) if (fails()) failures += 1;
    if (failures) children['500']!.requests?.inc(failures);
    if (count > failures) children['200']!.requests?.inc(count - failures);
    served += count;
    for (let i = 0; i < Math.round(count / LATENCY_SAMPLE_EVERY); i++)
      children[draw() < errorRate ? '500' : '200']!.duration.observe((latencyMs * (0.5 + draw())) / 1000);
  };

  const server = await startServer(async (req, res) => {
    if (req.path === '/metrics') {
      sendText(res, 200, await registry.metrics(), { 'content-type': registry.contentType });
      return;
    }
    // `/` too, so a proxy in front of the app can check it is up.
    if (req.path !== '/work' && req.path !== '/') return sendText(res, 404, 'not found');
    const started = performance.now();
    const failed = fails();
    const wait = random ? latencyMs * (0.5 + random()) : latencyMs;
    // The app's own slowness (the behaviour under test), not a test waiting.
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sendText(res, failed ? 500 : 200, failed ? 'boom' : 'ok');
    record(failed, (performance.now() - started) / 1000);
  });

  const perSecond = options.trafficPerSecond ?? 50;
  const traffic =
    perSecond > 0
      ? setInterval(
          () =>
            void fetch(`${server.url}/work`).then(
              (r) => r.text(),
              () => undefined,
            ),
          1000 / perSecond,
        )
      : undefined;
  const simulated = options.simulatedPerSecond ? simulateLoad(options.simulatedPerSecond, simulate) : undefined;

  return {
    url: server.url,
    address: `127.0.0.1:${server.port}`,
    setErrorRate: (rate) => void (errorRate = rate),
    setLatency: (ms) => void (latencyMs = ms),
    served: () => served,
    close: async () => {
      clearInterval(traffic);
      clearInterval(simulated);
      await server.close();
    },
  };
}

const LATENCY_SAMPLE_EVERY = 10;

/** Serves perSecond requests a second, in 20 ms ticks of as many as the time that passed is worth. */
function simulateLoad(perSecond: number, serve: (count: number) => void): NodeJS.Timeout {
  let last = performance.now();
  let owed = 0;
  return setInterval(() => {
    const now = performance.now();
    owed += ((now - last) * perSecond) / 1000;
    last = now;
    const count = Math.floor(owed);
    owed -= count;
    if (count) serve(count);
  }, 20);
}
