#!/usr/bin/env node
/**
 * The bare read-and-parse floor: read every rollout file of a CODEX_HOME, split it
 * into lines and JSON.parse each line, nothing else. The backfill is measured
 * against this (DESIGN.md, "Performance budget"), so it is an ordinary fast loop:
 * synchronous whole-file reads for ordinary files, 1 MB chunks for big ones, lines
 * cut from the bytes with indexOf and decoded one by one (no giant strings).
 * Synchronous reads on purpose: in Node 20, `fs.promises.readFile` of many small
 * files is about 4x slower than `readFileSync` (see bench/README.md).
 *
 *   node bench/floor.js CODEX_HOME
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const WHOLE_FILE_MAX = 8 * 1024 * 1024;
const CHUNK = 1024 * 1024;

/** every rollout file under sessions/ (any depth) and archived_sessions/, sorted */
export async function rolloutFiles(codexHome) {
  const found = [];
  for (const top of ['sessions', 'archived_sessions']) {
    let entries;
    try {
      entries = await readdir(join(codexHome, top), { recursive: true, withFileTypes: true });
    } catch (err) {
      if (err.code === 'ENOENT') continue;
      throw err;
    }
    for (const e of entries) {
      if (e.isFile() && e.name.startsWith('rollout-') && e.name.endsWith('.jsonl')) found.push(join(e.parentPath ?? e.path, e.name));
    }
  }
  return found.sort();
}

/** parses the complete (newline-ended) lines of buf; returns the offset of the first unparsed byte */
function parseLines(buf, counts) {
  let start = 0;
  for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
    if (nl > start) {
      JSON.parse(buf.toString('utf8', start, nl));
      counts.lines++;
    }
    start = nl + 1;
  }
  return start;
}

function parseTail(buf, from, counts) {
  if (from < buf.length) {
    JSON.parse(buf.toString('utf8', from));
    counts.lines++;
  }
}

function parseChunked(fd, counts) {
  let carry = Buffer.alloc(0);
  const chunk = Buffer.allocUnsafe(CHUNK);
  for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
    counts.bytes += n;
    const buf = Buffer.concat([carry, chunk.subarray(0, n)]);
    carry = buf.subarray(parseLines(buf, counts));
  }
  parseTail(carry, 0, counts);
}

function parseFile(file, counts) {
  const fd = openSync(file, 'r');
  try {
    if (fstatSync(fd).size > WHOLE_FILE_MAX) return parseChunked(fd, counts);
    const buf = readFileSync(fd);
    counts.bytes += buf.length;
    parseTail(buf, parseLines(buf, counts), counts);
  } finally {
    closeSync(fd);
  }
}

/** read and parse every rollout line under codexHome: { files, bytes, lines, ms } */
export async function floor(codexHome) {
  const t0 = performance.now();
  const files = await rolloutFiles(codexHome);
  const counts = { bytes: 0, lines: 0 };
  for (const file of files) parseFile(file, counts);
  return { files: files.length, bytes: counts.bytes, lines: counts.lines, ms: performance.now() - t0 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const home = process.argv[2];
  if (home === undefined) {
    console.error('usage: node bench/floor.js CODEX_HOME');
    process.exit(2);
  }
  const r = await floor(home);
  const mb = r.bytes / (1024 * 1024);
  console.log(`${r.files} files, ${mb.toFixed(1)} MB, ${r.lines} lines in ${r.ms.toFixed(0)} ms: ${(mb / (r.ms / 1000)).toFixed(0)} MB/s`);
}
