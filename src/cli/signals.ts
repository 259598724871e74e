/** SIGINT or SIGTERM, once: how `watch` and `service logs -f` are told to stop. */
export function signalStop(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
