/** A small counting semaphore: at most `n` of the wrapped calls run at once. */
export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

export function createLimiter(n: number): Limiter {
  const max = Math.max(1, Math.floor(n));
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next waiter so no newcomer can overtake it.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
