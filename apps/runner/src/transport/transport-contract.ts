import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { enqueueOutbox } from '@gatehouse/db';
import { type DataSource } from 'typeorm';
import { describe, it, vi, type ExpectStatic } from 'vitest';
import { type BatchHandler, type DeadLetter, type Delivery, type StepTransport } from './transport.js';

/*
 * The one contract both step transports pass (postgres-transport.int.test.ts,
 * kafka-transport.int.test.ts). Messages enter the way production writes them: through the
 * transactional outbox (the Kafka harness relays them to the broker).
 */

export interface ContractMessage {
  key: string;
  payload: Record<string, unknown>;
  availableAt?: Date;
}

export interface DeadLetterRow {
  transport: string;
  topic: string;
  messageKey: string | null;
  payload: string;
  reason: string;
  runId: string | null;
}

export interface DeadLetterTopicMessage {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

export interface ContractHarness {
  kind: 'kafka' | 'postgres';
  /** A new consumer in the harness's group, on the harness's topic; close() stops it. */
  createTransport(overrides?: { batchSize?: number }): StepTransport;
  /** Through enqueueOutbox, in one transaction. */
  enqueue(messages: ContractMessage[]): Promise<void>;
  /** A message that is not a step dispatch, behind everything enqueued so far. */
  injectGarbage(key: string, rawText: string): Promise<void>;
  deadLetters(): Promise<DeadLetterRow[]>;
  /** Kafka: everything on the dead-letter topic so far (polled by the suite). */
  readDeadLetterTopic?(): Promise<DeadLetterTopicMessage[]>;
  /** The transports' maxDeliveries: handler calls a failing message gets. */
  maxDeliveries: number;
  close(): Promise<void>;
}

interface Dispatch {
  runId: string;
  seq: number;
  /** Throw on the first n deliveries. */
  failTimes?: number;
  alwaysFail?: boolean;
  /** Dead-letter with this reason. */
  deadLetter?: string;
}

interface Handled {
  transport: string;
  delivery: Delivery;
  payload: Dispatch;
  at: number;
}

const WAIT = { timeout: 20_000, interval: 25 };
const NOT_A_DISPATCH = 'not a step dispatch';

/** The suite's step handler: decodes like the real one and records what it did. */
class Recorder {
  readonly calls: Array<{ transport: string; seqs: number[] }> = [];
  readonly handled: Handled[] = [];

  handler(
    transport: string,
    options: { delayMs?: number | (() => number); beforeBatch?: () => Promise<void> } = {},
  ): BatchHandler {
    return async (batch) => {
      const decoded = batch.map((d) => decode(d.value));
      this.calls.push({ transport, seqs: decoded.flatMap((p) => (p ? [p.seq] : [])) });
      await options.beforeBatch?.();
      const delayMs = typeof options.delayMs === 'function' ? options.delayMs() : options.delayMs;
      if (delayMs) await sleep(delayMs);
      const deadLetters: DeadLetter[] = [];
      const done: Handled[] = [];
      for (const [index, delivery] of batch.entries()) {
        const payload = decoded[index];
        if (!payload) {
          deadLetters.push({ delivery, reason: NOT_A_DISPATCH });
        } else if (payload.alwaysFail || (payload.failTimes ?? 0) >= this.callsFor(payload.seq)) {
          throw new Error(`dispatch ${payload.seq} fails`);
        } else if (payload.deadLetter) {
          deadLetters.push({ delivery, reason: payload.deadLetter, runId: payload.runId });
        } else {
          done.push({ transport, delivery, payload, at: Date.now() });
        }
      }
      this.handled.push(...done);
      return { deadLetters };
    };
  }

  callsFor(seq: number): number {
    return this.calls.filter((c) => c.seqs.includes(seq)).length;
  }

  seqs(filter: (h: Handled) => boolean = () => true): number[] {
    return [...new Set(this.handled.filter(filter).map((h) => h.payload.seq))];
  }
}

function decode(value: string): Dispatch | null {
  try {
    const decoded: unknown = JSON.parse(value);
    if (decoded && typeof decoded === 'object' && typeof (decoded as Dispatch).runId === 'string') return decoded as Dispatch;
  } catch {
    // garbage
  }
  return null;
}

/** Dispatches for `keys`, `perKey` each, interleaved across keys, seq numbered from `firstSeq`. */
function dispatches(keys: string[], perKey: number, firstSeq = 0, extra: Partial<Dispatch> = {}): ContractMessage[] {
  const messages: ContractMessage[] = [];
  for (let round = 0; round < perKey; round += 1) {
    for (const key of keys) {
      messages.push({ key, payload: { runId: key, seq: firstSeq + messages.length, ...extra } });
    }
  }
  return messages;
}

const keys = (n: number) => Array.from({ length: n }, () => randomUUID());
const seqsOf = (messages: ContractMessage[]) => messages.map((m) => m.payload.seq as number);
const sorted = (numbers: number[]) => [...numbers].sort((a, b) => a - b);

export function describeTransportContract(name: string, makeHarness: () => Promise<ContractHarness>): void {
  const contractTest = (title: string, body: (h: ContractHarness, expect: ExpectStatic) => Promise<void>) =>
    it(title, async ({ expect }) => {
      const harness = await makeHarness();
      try {
        await body(harness, expect);
      } finally {
        await harness.close();
      }
    }, 60_000);

  // Each test has its own database and topic, so they run side by side.
  describe.concurrent(`${name} (step transport contract)`, () => {
    contractTest('delivers every enqueued message with its key and payload', async (h, expect) => {
      const recorder = new Recorder();
      await h.createTransport().start(recorder.handler('a'));
      const messages = dispatches(keys(6), 5);
      await h.enqueue(messages);

      await vi.waitFor(() => expect(sorted(recorder.seqs())).toEqual(seqsOf(messages)), WAIT);
      for (const { delivery, payload } of recorder.handled) {
        expect(delivery.key).toBe(payload.runId);
        expect(payload).toEqual(messages[payload.seq]!.payload);
        expect(delivery.deliveryCount === null || delivery.deliveryCount >= 1).toBe(true);
      }
      expect(await h.deadLetters()).toEqual([]);
    });

    contractTest('works on batches of different keys at once', async (h, expect) => {
      // Each call waits (up to a bound) for a second one to be in flight; a transport that hands
      // out one batch at a time never has two, and this test then fails on maxInFlight.
      let inFlight = 0;
      let maxInFlight = 0;
      let release: () => void = () => undefined;
      const overlapped = new Promise<void>((resolve) => (release = resolve));
      const handled = new Set<number>();
      await h.createTransport({ batchSize: 4 }).start(async (batch) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (inFlight >= 2) release();
        try {
          await Promise.race([overlapped, sleep(3000)]);
          for (const d of batch) handled.add((JSON.parse(d.value) as Dispatch).seq);
          return { deadLetters: [] };
        } finally {
          inFlight -= 1;
        }
      });
      const messages = dispatches(keys(8), 2);
      await h.enqueue(messages);

      await vi.waitFor(() => expect([...handled].sort((a, b) => a - b)).toEqual(seqsOf(messages)), WAIT);
      expect(maxInFlight).toBeGreaterThanOrEqual(2);
    });

    contractTest('keeps the order of the messages of one key', async (h, expect) => {
      const recorder = new Recorder();
      // Batches that take different times would finish out of order if two ran for one key.
      await h.createTransport({ batchSize: 4 }).start(recorder.handler('a', { delayMs: () => Math.random() * 15 }));
      const runIds = keys(4);
      const first = dispatches(runIds, 12);
      const second = dispatches(runIds, 3, first.length);
      await h.enqueue(first);
      await h.enqueue(second);

      const all = [...first, ...second];
      await vi.waitFor(() => expect(sorted(recorder.seqs())).toEqual(seqsOf(all)), WAIT);
      for (const key of runIds) {
        const expected = seqsOf(all.filter((m) => m.key === key));
        expect(recorder.seqs((h) => h.payload.runId === key)).toEqual(expected);
      }
    });

    contractTest('delivers a batch again when the handler threw, and not once it was acknowledged', async (h, expect) => {
      const recorder = new Recorder();
      const first = h.createTransport();
      await first.start(recorder.handler('first'));
      const runIds = keys(3);
      const messages = dispatches(runIds, 2);
      const failing = { key: runIds[0]!, payload: { runId: runIds[0]!, seq: messages.length, failTimes: 1 } };
      await h.enqueue([...messages, failing]);

      const all = [...messages, failing];
      await vi.waitFor(() => expect(sorted(recorder.seqs())).toEqual(seqsOf(all)), WAIT);
      expect(recorder.callsFor(failing.payload.seq)).toBe(2);
      const counts = recorder.handled.filter((x) => x.payload.seq === failing.payload.seq).map((x) => x.delivery.deliveryCount);
      if (counts[0] !== null) expect(counts).toEqual([2]);
      await first.stop();

      // A new consumer gets what comes next, and nothing acknowledged before it.
      const next = new Recorder();
      await h.createTransport().start(next.handler('next'));
      const sentinel = dispatches(keys(1), 1, 100);
      await h.enqueue(sentinel);
      await vi.waitFor(() => expect(next.seqs()).toEqual([100]), WAIT);
      await sleep(300);
      expect(next.seqs()).toEqual([100]);
    });

    contractTest('dead-letters what the handler rejects and goes on with the messages after it', async (h, expect) => {
      const recorder = new Recorder();
      await h.createTransport().start(recorder.handler('a'));
      const [key, other] = keys(2) as [string, string];
      const before = dispatches([key], 1, 0);
      const after = dispatches([key], 1, 1);
      const refused = dispatches([other], 1, 2, { deadLetter: 'refused by the test handler' });
      await h.enqueue(before);
      await h.injectGarbage(key, 'definitely not json {');
      await h.enqueue([...after, ...refused]);

      await vi.waitFor(async () => {
        expect(recorder.seqs()).toEqual([0, 1]);
        expect(await h.deadLetters()).toHaveLength(2);
      }, WAIT);
      const rows = await h.deadLetters();
      expect(rows.find((r) => r.reason === NOT_A_DISPATCH)).toMatchObject({
        transport: h.kind,
        messageKey: key,
        payload: expect.stringContaining('definitely not json {'),
        runId: null,
      });
      expect(rows.find((r) => r.reason === 'refused by the test handler')).toMatchObject({
        transport: h.kind,
        messageKey: other,
        runId: other,
      });

      if (h.readDeadLetterTopic) {
        const readTopic = h.readDeadLetterTopic.bind(h);
        await vi.waitFor(async () => {
          expect(await readTopic()).toContainEqual({
            key,
            value: 'definitely not json {',
            headers: expect.objectContaining({ 'dead-letter-reason': NOT_A_DISPATCH, 'original-topic': expect.any(String) }),
          });
        }, WAIT);
      }
    });

    contractTest('dead-letters a message that keeps failing after maxDeliveries, then goes on with its key', async (h, expect) => {
      const recorder = new Recorder();
      await h.createTransport().start(recorder.handler('a'));
      const [key, other] = keys(2) as [string, string];
      const poison = dispatches([key], 1, 0, { alwaysFail: true });
      const rest = [...dispatches([key], 1, 1), ...dispatches([other], 1, 2)];
      await h.enqueue([...poison, ...rest]);

      await vi.waitFor(async () => {
        expect(sorted(recorder.seqs())).toEqual([1, 2]);
        expect(await h.deadLetters()).toHaveLength(1);
      }, WAIT);
      expect(recorder.callsFor(0)).toBe(h.maxDeliveries);
      const [row] = await h.deadLetters();
      expect(row).toMatchObject({ messageKey: key, runId: key });
      expect(row!.reason).toContain(`not processed after ${h.maxDeliveries} deliveries`);
      expect(row!.reason).toContain('dispatch 0 fails');
    });

    contractTest('does not deliver a message before its availableAt', async (h, expect) => {
      const recorder = new Recorder();
      await h.createTransport().start(recorder.handler('a'));
      const dueAt = Date.now() + 1500;
      const [later, now] = dispatches(keys(2), 1);
      await h.enqueue([{ ...later!, availableAt: new Date(dueAt) }, now!]);

      await vi.waitFor(() => expect(recorder.seqs()).toContain(1), WAIT);
      if (Date.now() < dueAt - 100) expect(recorder.seqs()).toEqual([1]);
      await vi.waitFor(() => expect(recorder.seqs()).toContain(0), WAIT);
      const delivered = recorder.handled.find((x) => x.payload.seq === 0)!;
      // Tolerance for the database clock being read slightly ahead of this process's.
      expect(delivered.at).toBeGreaterThanOrEqual(dueAt - 50);
    });

    contractTest('shares the work between two transports of one group', async (h, expect) => {
      const recorder = new Recorder();
      const [a, b] = [h.createTransport({ batchSize: 10 }), h.createTransport({ batchSize: 10 })];
      await Promise.all([a.start(recorder.handler('a', { delayMs: 10 })), b.start(recorder.handler('b', { delayMs: 10 }))]);
      const messages = dispatches(keys(40), 5);
      await h.enqueue(messages);
      await vi.waitFor(() => expect(sorted(recorder.seqs())).toEqual(seqsOf(messages)), WAIT);
      // A member that joined late (a consumer group rebalances on its own schedule, and a
      // consumer that crashed while joining is replaced with backoff) gets work from the next
      // waves: keep sending until both have handled some, within the suite's patience.
      const deadline = Date.now() + WAIT.timeout;
      const handledBy = (name: string) => recorder.seqs((x) => x.transport === name).length;
      while ((handledBy('a') === 0 || handledBy('b') === 0) && Date.now() < deadline) {
        const wave = dispatches(keys(40), 1, messages.length);
        messages.push(...wave);
        await h.enqueue(wave);
        await vi.waitFor(() => expect(sorted(recorder.seqs())).toEqual(seqsOf(messages)), WAIT);
      }
      expect(handledBy('a')).toBeGreaterThan(0);
      expect(handledBy('b')).toBeGreaterThan(0);
    });

    contractTest('stop() finishes and acknowledges the batch in flight; a restart resumes after it', async (h, expect) => {
      const recorder = new Recorder();
      let openGate: (() => void) | undefined;
      const gate = new Promise<void>((resolve) => {
        openGate = resolve;
      });
      const first = h.createTransport();
      await first.start(recorder.handler('first', { beforeBatch: () => gate }));
      const key = randomUUID();
      const early = dispatches([key], 5);
      await h.enqueue(early);
      await vi.waitFor(() => expect(recorder.calls.length).toBeGreaterThan(0), WAIT);

      let stopped = false;
      const stopping = first.stop().then(() => (stopped = true));
      await sleep(300);
      expect(stopped).toBe(false);
      openGate?.();
      await stopping;
      const inFlight = recorder.calls.flatMap((c) => c.seqs);
      expect(sorted(recorder.seqs())).toEqual(sorted([...new Set(inFlight)]));

      const late = dispatches(keys(2), 2, early.length);
      await h.enqueue(late);
      await h.createTransport().start(recorder.handler('second'));
      const all = [...early, ...late];
      await vi.waitFor(() => expect(sorted(recorder.seqs())).toEqual(seqsOf(all)), WAIT);
      await sleep(300);
      const again = recorder.seqs((x) => x.transport === 'second').filter((seq) => inFlight.includes(seq));
      expect(again).toEqual([]);
    });
  });
}

/** enqueueOutbox for each message, in one transaction, as the API writes dispatches. */
export async function enqueueMessages(ds: DataSource, topic: string, messages: ContractMessage[]): Promise<void> {
  await ds.transaction(async (m) => {
    for (const message of messages) {
      await enqueueOutbox(m, { topic, key: message.key, payload: message.payload, availableAt: message.availableAt });
    }
  });
}

export async function readDeadLetters(ds: DataSource): Promise<DeadLetterRow[]> {
  return (await ds.query(
    `SELECT transport, topic, message_key AS "messageKey", payload, reason, run_id AS "runId"
       FROM dead_letters ORDER BY id`,
  )) as DeadLetterRow[];
}
