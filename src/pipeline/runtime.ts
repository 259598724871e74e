/** What a TracerSet imports at its first step (see TracerSet.runtime). */
export { FileTracer } from './file-tracer.js';
export { defaultReducerOptions } from '../trace/reduce.js';
