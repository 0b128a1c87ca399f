#!/usr/bin/env node
// Runs a Node program (azurite, the Cosmos emulator) so that it exits when its parent closes our stdin:
// a host that is killed, even with SIGKILL, leaves no emulator behind.
// Usage: node exit-with-parent.js path/to/program.js [args...]
"use strict";
const path = require("path");

const [, , program, ...args] = process.argv;
if (!program) {
  console.error("usage: exit-with-parent.js program.js [args...]");
  process.exit(2);
}
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
process.argv = [process.argv[0], path.resolve(program), ...args];
require(path.resolve(program));
