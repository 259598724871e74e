/** Rollout sources: finding files, reading them from a cursor, watching them. */
export * from './discover.js';
export * from './tail.js';
export * from './zst.js';
export * from './fileid.js';
export * from './watch.js';
export * from './coalesce.js';
export { containerOf, isRolloutName, parseRolloutName, threadIdOfPath, type RolloutKind, type RolloutName } from './names.js';
export { NotARegularFile } from './open.js';
export { FallbackPoller, inotifyWatchLimit } from './poll.js';
