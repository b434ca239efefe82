import { describe, expect, it } from 'vitest';
import { EventBus, type LaunchEvent, type Subscriber } from '../../src/events/event-bus';

const never = (name: string): Subscriber => ({ name, onEvent: () => {}, flush: () => new Promise<void>(() => {}) });

describe('event bus', () => {
  it('delivers every event to every subscriber, in order, stamped with the time', () => {
    let now = 1000;
    const bus = new EventBus(() => now++);
    const seen: LaunchEvent[] = [];
    bus.subscribe({ name: 'a', onEvent: (e) => seen.push(e) });
    bus.emit({ type: 'phase.started', phase: 'x' });
    bus.emit({ type: 'phase.verified', phase: 'x', durationMs: 1 });
    expect(seen.map((e) => [e.type, e.at])).toEqual([
      ['phase.started', 1000],
      ['phase.verified', 1001],
    ]);
    expect(bus.history).toEqual(seen);
  });

  it('isolates a subscriber that throws: the others still get the event, and a warning says why', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe({
      name: 'broken',
      onEvent: (e) => {
        if (e.type === 'phase.started') throw new Error('boom');
      },
    });
    bus.subscribe({ name: 'ok', onEvent: (e) => seen.push(e.type) });
    bus.emit({ type: 'phase.started', phase: 'x' });
    expect(seen).toEqual(['phase.started', 'warning']);
    expect(bus.history.at(-1)).toMatchObject({ type: 'warning', source: 'broken', message: 'boom' });
  });

  it('cuts a long flush short when the run is cancelled during it, naming those that did not finish', async () => {
    const bus = new EventBus();
    bus.subscribe(never('github'));
    const cancel = new AbortController();
    // 60 s would outlast the test's own timeout: only the cut can end this flush in time.
    const flushed = bus.flush(60_000, { signal: cancel.signal, withinMs: 20 });
    cancel.abort();
    await flushed;
    expect(bus.history.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message)).toEqual([
      'did not finish within 20 ms of the cancellation',
    ]);
  });

  it('flushes subscribers side by side within one overall deadline, naming those that did not finish', async () => {
    const bus = new EventBus();
    let finished = false;
    bus.subscribe(never('hung-1'));
    bus.subscribe(never('hung-2'));
    bus.subscribe({
      name: 'fast',
      onEvent: () => {},
      flush: async () => {
        finished = true;
      },
    });
    bus.subscribe({
      name: 'failing',
      onEvent: () => {},
      flush: async () => {
        throw new Error('channel_not_found');
      },
    });
    const started = Date.now();
    await bus.flush(300);
    // Two hung subscribers share one 300 ms deadline; one after the other they would take 600 ms.
    expect(Date.now() - started).toBeLessThan(600);
    expect(finished).toBe(true);
    const warnings = bus.history.filter((e) => e.type === 'warning').map((e) => e.type === 'warning' && `${e.source}: ${e.message}`);
    expect(warnings.sort()).toEqual([
      'failing: channel_not_found',
      'hung-1: did not finish within 300 ms',
      'hung-2: did not finish within 300 ms',
    ]);
  });
});

describe('a redacting bus', () => {
  it('redacts what events say, never the ids and enums the code matches on, whatever the secret', async () => {
    const { createRedactor } = await import('../../src/util/redactor');
    const bus = new EventBus(() => 0, createRedactor(['e', 'deploy']));
    const seen: LaunchEvent[] = [];
    bus.subscribe({ name: 'probe', onEvent: (event) => seen.push(event) });
    bus.emit({ type: 'phase.state', phase: 'deploy', from: 'pending', to: 'executing' });
    bus.emit({ type: 'phase.failed', phase: 'deploy', reason: 'deploy said e', durationMs: 1 });
    expect(seen[0]).toEqual({ type: 'phase.state', at: 0, phase: 'deploy', from: 'pending', to: 'executing' });
    expect(seen[1]).toMatchObject({ type: 'phase.failed', phase: 'deploy', reason: '*** said ***' });
  });
});
