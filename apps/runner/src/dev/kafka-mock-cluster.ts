import { spawn, spawnSync } from 'node:child_process';

export interface KafkaForTests {
  brokers: string[];
  /** Stops the mock cluster (a no-op for KAFKA_BROKERS). Idempotent. */
  stop(): Promise<void>;
}

const KCAT = process.env.KCAT ?? 'kcat';

/** Why Kafka tests cannot run on this machine, or null when they can. */
export function kafkaUnavailableReason(): string | null {
  if (process.env.KAFKA_BROKERS) return null;
  const probe = spawnSync(KCAT, ['-V'], { stdio: 'ignore' });
  return probe.error || probe.status !== 0
    ? `KAFKA_BROKERS is not set and ${KCAT} (librdkafka's mock cluster) is not installed`
    : null;
}

/**
 * KAFKA_BROKERS when set; otherwise librdkafka's mock cluster, served by a kcat consumer that
 * runs until killed. The mock speaks the real protocol on loopback: produce, consumer groups
 * and rebalances work, topics auto-create with 4 partitions, createTopics is unsupported, and
 * a rebalance after a membership change takes sessionTimeout - 1 s (the first join of an
 * empty group 3 s).
 */
export async function startKafkaForTests(options: { brokerCount?: number } = {}): Promise<KafkaForTests> {
  if (process.env.KAFKA_BROKERS) {
    return { brokers: process.env.KAFKA_BROKERS.split(',').map((b) => b.trim()), stop: async () => undefined };
  }
  const args = ['-b', 'unused:1', '-X', `test.mock.num.brokers=${options.brokerCount ?? 1}`, '-C', '-t', '_boot', '-o', 'end', '-q'];
  // kcat runs behind a shell that kills it when our end of its stdin closes, i.e. also when
  // this process dies without running exit handlers (a SIGKILLed test worker).
  const child = spawn('sh', ['-c', `"$0" "$@" & kcat=$!; read _; kill $kcat`, KCAT, ...args], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.stdin.end();
    process.off('exit', killOnExit);
    await exited;
  };
  // Closing stdin makes the shell kill kcat; killing the shell would orphan kcat instead.
  const killOnExit = () => child.stdin.destroy();
  process.on('exit', killOnExit);

  try {
    const brokers = await new Promise<string[]>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`kcat mock cluster did not start: ${output}`)), 10_000);
      child.once('exit', (code) => reject(new Error(`kcat exited (${code}) before serving: ${output}`)));
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        // librdkafka logs "Mock cluster enabled: … replaced with 127.0.0.1:PORT[,…]" (and, with
        // -d mock, "bootstrap.servers=127.0.0.1:PORT").
        const match = /(?:replaced with |bootstrap\.servers=)(\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          child.stderr.removeAllListeners('data').resume();
          resolve(match[1].split(','));
        }
      });
    });
    return { brokers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
