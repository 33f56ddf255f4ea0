/**
 * Concurrent calls for one key share the call in flight instead of each doing the same work:
 * the requests of a burst that all find a cache entry expired make one lookup, not one each.
 * `forget` drops what is in flight, so a caller that must not get an answer begun earlier (the
 * data changed meanwhile) starts a new call; the old one settles without being shared again.
 */
export class SingleFlight<K, V> {
  private readonly inFlight = new Map<K, Promise<V>>();

  run(key: K, call: () => Promise<V>): Promise<V> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = call();
    this.inFlight.set(key, started);
    const done = () => {
      if (this.inFlight.get(key) === started) this.inFlight.delete(key);
    };
    started.then(done, done);
    return started;
  }

  forget(): void {
    this.inFlight.clear();
  }
}
