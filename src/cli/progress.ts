/** A one-line progress bar on stderr, only on a terminal. */
export interface Progress {
  update(done: { files: number; bytes: number }, spans: number): void;
  done(): void;
}

export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, totalFiles: number, totalBytes: number, enabled: boolean): Progress {
  if (!enabled || !stream.isTTY || totalFiles === 0) return { update: () => undefined, done: () => undefined };
  const start = Date.now();
  let last = 0;
  let drawn = false;
  const draw = (d: { files: number; bytes: number }, spans: number): void => {
    const frac = totalBytes > 0 ? d.bytes / totalBytes : d.files / totalFiles;
    const width = 24;
    const filled = Math.round(frac * width);
    const elapsed = (Date.now() - start) / 1000;
    const eta = frac > 0 ? Math.max(0, elapsed / frac - elapsed) : 0;
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${d.files}/${totalFiles} files  ${(d.bytes / 1e6).toFixed(1)}/${(totalBytes / 1e6).toFixed(1)} MB  ${spans} spans  ETA ${eta.toFixed(0)}s`;
    stream.write(`\r${line}\x1b[K`);
    drawn = true;
  };
  return {
    update(d, spans) {
      const now = Date.now();
      if (now - last < 100 && d.files < totalFiles) return;
      last = now;
      draw(d, spans);
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
