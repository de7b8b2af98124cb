/**
 * Pulls items from `source` ahead of its consumer, keeping at most `limit` of them, so that a producer
 * (a git process and its parser, or file reads started by a synchronous source) keeps working while the
 * consumer is still busy with something else. The pump starts at once. `return()` stops it and closes the
 * source; a source error is rethrown to the consumer at the point where it would have received the failed item.
 */
export function readAhead<T>(source: AsyncIterable<T> | Iterable<T>, limit: number): AsyncIterableIterator<T> & { return(): Promise<IteratorResult<T>> } {
  const iterator: AsyncIterator<T> | Iterator<T> = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const buffer: T[] = [];
  let finished = false;
  let failure: { error: unknown } | undefined;
  let stopped = false;
  let wakeConsumer: (() => void) | undefined;
  let wakePump: (() => void) | undefined;

  const pump = async () => {
    try {
      while (!stopped) {
        if (buffer.length >= limit) {
          await new Promise<void>((resolve) => (wakePump = resolve));
          continue;
        }
        const result = await iterator.next();
        if (result.done) break;
        buffer.push(result.value);
        wakeConsumer?.();
      }
    } catch (error) {
      failure = { error };
    }
    finished = true;
    wakeConsumer?.();
  };
  const pumping = pump();

  const reader = {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        if (buffer.length > 0) {
          const value = buffer.shift()!;
          wakePump?.();
          return { value, done: false };
        }
        if (failure) throw failure.error;
        if (finished || stopped) return { value: undefined, done: true };
        await new Promise<void>((resolve) => (wakeConsumer = resolve));
      }
    },
    async return(): Promise<IteratorResult<T>> {
      if (!stopped) {
        stopped = true;
        buffer.length = 0;
        wakePump?.();
        await pumping;
        await iterator.return?.();
      }
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return reader;
    },
  };
  return reader;
}
