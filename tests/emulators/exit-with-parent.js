#!/usr/bin/env node
// Runs a Node program (azurite, the Cosmos emulator) so that it shuts down when its parent closes our stdin:
// a host that stops, or is killed even with SIGKILL, leaves no emulator behind, and the emulator still gets
// its graceful SIGINT shutdown (Azurite saves its metadata databases then).
//
// With EMULATOR_SKIP_FSYNC=1, fs.fdatasync becomes a no-op. Azurite syncs every queue message and blob extent
// to disk, which makes a 2-core machine spend half its time in I/O wait, yet buys no durability it keeps: its
// metadata (which messages exist) is only saved every 5 s or at shutdown. Writes still reach the page cache,
// so they survive any process kill; only a power loss could lose the last seconds, as it could before.
//
// Usage: node exit-with-parent.js path/to/program.js [args...]
"use strict";
const fs = require("fs");
const path = require("path");

const [, , program, ...args] = process.argv;
if (!program) {
  console.error("usage: exit-with-parent.js program.js [args...]");
  process.exit(2);
}

if (process.env.EMULATOR_SKIP_FSYNC === "1") {
  fs.fdatasync = (fd, callback) => setImmediate(callback, null);
  fs.fsync = (fd, callback) => setImmediate(callback, null);
}

// Once the parent is gone nobody reads our stdout/stderr: writing there fails with EPIPE, which would crash the
// program in the middle of its shutdown (Azurite would then lose up to 5 s of queue and table metadata).
const ignore = () => {};
process.stdout.on("error", ignore);
process.stderr.on("error", ignore);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  for (const name of ["log", "info", "warn", "error", "debug"]) console[name] = ignore;
  process.kill(process.pid, "SIGINT");
  // If the program does not finish its graceful shutdown, do not outlive the parent for long.
  setTimeout(() => process.exit(0), 15000).unref();
};
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();

process.argv = [process.argv[0], path.resolve(program), ...args];
require(path.resolve(program));
