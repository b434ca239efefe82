import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../src/notify/work-queue';
import { NoResponseError } from '../../src/http/json-client';
import { FlushError } from '../../src/events/event-bus';
import { TokenBucket } from '../../src/notify/pacing';
import { VirtualClock } from '../support/virtual-clock';

const redact = (text: string): string => text.replace('s3cret', '***');
const fatal = (error: unknown): boolean => error instanceof Error && error.message.startsWith('fatal');

describe('WorkQueue', () => {
  it('runs tasks one at a time in order, and coalesces a burst under one key', async () => {
    const queue = new WorkQueue(redact, fatal);
    const log: string[] = [];
    let state = 0;
    queue.add(async () => void log.push('first'));
    for (let i = 1; i <= 5; i++) {
      state = i;
      queue.coalesce('render', async () => void log.push(`render ${state}`));
    }
    queue.add(async () => void log.push('last'));
    await queue.flush();
    expect(log).toEqual(['first', 'render 5', 'last']);
  });

  it('turns failures into one thrown warning, redacted, and goes on', async () => {
    const queue = new WorkQueue(redact, fatal);
    const log: string[] = [];
    queue.add(async () => {
      throw new Error('HTTP 500 with s3cret');
    });
    queue.add(async () => void log.push('still runs'));
    await expect(queue.flush()).rejects.toThrow(/^HTTP 500 with \*\*\*$/);
    expect(log).toEqual(['still runs']);
  });

  it('skips the rest after a fatal error or a service that never answers', async () => {
    for (const error of [new Error('fatal: invalid_auth'), new NoResponseError('no response after 3 tries: timed out')]) {
      const queue = new WorkQueue(redact, fatal);
      const log: string[] = [];
      queue.add(async () => {
        throw error;
      });
      queue.add(async () => void log.push('skipped'));
      await expect(queue.flush()).rejects.toThrow(`${error.message}; nothing more is sent for this launch`);
      expect(log).toEqual([]);
    }
  });

  it('drops what is still queued at its deadline, and says how much', async () => {
    const queue = new WorkQueue(redact, fatal);
    const log: string[] = [];
    let release!: () => void;
    queue.add(() => new Promise<void>((resolve) => (release = resolve)));
    queue.add(async () => void log.push('dropped'));
    await expect(queue.flush(60)).rejects.toThrow("2 message(s) dropped: not sent within 0.05 s of the launch's end");
    release();
    // A second flush waits for the queue to settle: the dropped task never ran.
    await expect(queue.flush()).rejects.toThrow('dropped');
    expect(log).toEqual([]);
  });
});

describe('WorkQueue under a rate', () => {
  const paced = (clock: VirtualClock) => ({ queue: new WorkQueue(redact, fatal, clock), pace: new TokenBucket(1000) });

  it('keeps order until a message that matters waits 10 s behind chatter: the chatter ahead of it is dropped and counted', async () => {
    const clock = new VirtualClock();
    const { queue, pace } = paced(clock);
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) queue.add(async () => void sent.push(`chatter ${i}`), { droppable: true, pace });
    queue.add(async () => void sent.push('failure'), { pace });
    queue.add(async () => void sent.push('late chatter'), { droppable: true, pace });
    const error = await queue.flush().catch((caught: unknown) => caught);

    // One a second: chatter 0 at once, 1…10 a second apart, then the failure.
    expect(sent).toEqual([...Array.from({ length: 11 }, (_, i) => `chatter ${i}`), 'failure', 'late chatter']);
    expect(error).toBeInstanceOf(FlushError);
    expect(error).toMatchObject({
      dropped: 19,
      message: '19 progress message(s) dropped so that failure, rollback and outcome messages went out in time',
    });
  });

  it('drops what could only start after the flush deadline on its clock, whatever it is', async () => {
    const clock = new VirtualClock();
    const { queue, pace } = paced(clock);
    const sent: number[] = [];
    for (let i = 0; i < 10; i++) queue.add(async () => void sent.push(i), { pace });
    // 5 s of the 6 s the bus would allow.
    await expect(queue.flush(6000)).rejects.toMatchObject({
      dropped: 4,
      message: "4 message(s) dropped: not sent within 5 s of the launch's end",
    });
    expect(sent).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('lets a coalesced task waiting for its pace take in the events that arrive meanwhile', async () => {
    const clock = new VirtualClock();
    const { queue, pace } = paced(clock);
    let state = 0;
    const rendered: number[] = [];
    const render = async (): Promise<void> => void rendered.push(state);
    queue.coalesce('edit', render, { pace });
    await queue.drained();
    queue.coalesce('edit', render, { pace });
    await Promise.resolve();
    // The second edit now sleeps for its pace: a burst meanwhile joins it.
    for (const next of [1, 2, 3]) {
      state = next;
      queue.coalesce('edit', render, { pace });
    }
    await queue.flush();
    expect(rendered).toEqual([0, 3]);
  });
});
