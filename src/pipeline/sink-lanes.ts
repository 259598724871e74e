/**
 * Several sinks, each at its own pace: one lane per sink, each lane a TracerSet of its own
 * (its own Delivery, cursors and replay position per file), so that a sink that is slow or
 * down delays only itself. The rollout file is the buffer of a lane that is behind: it
 * re-reads the file from its own acknowledged offset (ids are deterministic, the reducer
 * pure: the effects before that offset are dropped, as after a restart). One sink is one
 * lane, exactly as before (the local store's spans and cursor in one transaction).
 *
 * The first lane is the run's voice: its summary, warnings and delivered effects are the
 * ones reported; the others only add what they could not deliver.
 */
import type { Delivery } from './delivery.js';
import { runFiles, type FileJob, type RunFilesOptions } from './run-files.js';
import { TracerSet, type TracerSetOptions } from './tracers.js';

export class SinkLanes {
  readonly sets: readonly TracerSet[];

  constructor(deliveries: readonly Delivery[], opts: Omit<TracerSetOptions, 'delivery'>) {
    if (deliveries.length === 0) throw new Error('no sink');
    const first = new TracerSet({ ...opts, delivery: deliveries[0] as Delivery });
    this.sets = [
      first,
      ...deliveries.slice(1).map((delivery) => new TracerSet({ ...opts, delivery, onWarning: undefined, onDelivered: undefined, laneOf: first })),
    ];
  }

  /** the lane whose summary and warnings the run reports */
  get primary(): TracerSet {
    return this.sets[0] as TracerSet;
  }

  /** The first lane's summary also counts the files and errors only another lane left undelivered. */
  gather(): void {
    const [first, ...rest] = this.sets as [TracerSet, ...TracerSet[]];
    const s = first.summary;
    const counted = new Set([...first.tracers.values()].filter((t) => t.isBlocked).map((t) => t.path));
    for (const set of rest) {
      for (const t of set.tracers.values()) {
        if (!t.isBlocked || counted.has(t.path)) continue;
        counted.add(t.path);
        s.undeliveredFiles++;
      }
      for (const e of set.summary.errors) if (!s.errors.includes(e)) s.errors.push(e);
    }
  }

  /** The files some lane could not deliver yet: its sink refused (the lane retries), or has not answered. */
  waiting(): string[] {
    const out = new Set<string>();
    for (const set of this.sets) for (const t of set.tracers.values()) if (t.isWaiting) out.add(t.path);
    return [...out];
  }
}

/** `runFiles` in every lane at once; each lane takes the files at its own pace (see `gather`). */
export async function runLanes(lanes: SinkLanes, files: FileJob[], opts: RunFilesOptions): Promise<void> {
  const [first, ...rest] = lanes.sets as [TracerSet, ...TracerSet[]];
  if (rest.length === 0) return runFiles(first, files, opts);
  await Promise.all([runFiles(first, files, opts), ...rest.map((set) => runFiles(set, files, { ...opts, onProgress: undefined }))]);
  lanes.gather();
}
