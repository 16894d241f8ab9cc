#!/usr/bin/env node
import { runCli } from './program.js';

// The AWS SDK v3 warns on every run under Node < 22 that its future releases will need Node 22; this
// package supports Node 20 (the SDK versions it uses do too). Off unless the user sets it themselves.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const code = await runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
  isTTY: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
});
process.exitCode = code;
