/** At most `n` of the wrapped calls run at once, in the order they were asked for (p-queue). */
import PQueue from 'p-queue';

export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

export function createLimiter(n: number): Limiter {
  const queue = new PQueue({ concurrency: Math.max(1, Math.floor(n)) });
  return <T>(fn: () => Promise<T>): Promise<T> => queue.add(fn) as Promise<T>;
}
