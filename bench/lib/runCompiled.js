#!/usr/bin/env node
// Runs a benchmark as compiled JavaScript, the way a job runs (`npm start` runs the examples'
// compiled dist): compiles the benchmark's TypeScript entry, with the helpers it imports by
// relative path, into `.bench-dist/` at the repository root, then runs it in a new node process
// with this process's node flags and the remaining arguments.
//
//   node --expose-gc bench/lib/runCompiled.js packages/checkpoint/bench/checkpoint.bench.ts --repeat 5
//
// Why not ts-node: ts-node keeps the TypeScript compiler in the measured process (its ~9 MB source
// text, ~12 MB of compiled code and the objects they make: about half of the old generation of a
// job holding 1M keys), which every major garbage collection of the job marks. A benchmark of
// what the record path feels would measure the runner's heap as well (docs/performance.md,
// "`@weir/checkpoint`"). The `@weir/*` packages resolve to their built `dist` (npm workspaces),
// so they are built first (turbo; cached when nothing changed).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { dirname, join, relative, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..', '..');
const OUT = join(ROOT, '.bench-dist');

function fail(message) {
  process.stderr.write(`runCompiled: ${message}\n`);
  process.exit(2);
}

const [entryArg, ...args] = process.argv.slice(2);
if (entryArg === undefined || !entryArg.endsWith('.ts')) fail(`expected a benchmark entry (a .ts file) and its arguments, got ${JSON.stringify(process.argv.slice(2))}`);
const entry = resolve(entryArg);
if (!existsSync(entry)) fail(`no such file: ${entry}`);
const inRepo = relative(ROOT, entry);
if (inRepo.startsWith('..')) fail(`${entry} is not inside the repository ${ROOT}`);

const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
if (build.status !== 0) fail(`npm run build failed (exit ${String(build.status)})`);

// The compiler runs in this process only; the benchmark gets a process of its own.
const ts = require('typescript');
const base = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.base.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')) });
if (base === undefined) fail('could not read tsconfig.base.json');
// Node16 resolution reads the packages' `exports` (a benchmark may import a subpath such as
// `@weir/stream/testing`); the packages have no "type": "module", so the output stays CommonJS.
const options = { ...base.options, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, rootDir: ROOT, outDir: OUT, declaration: false, declarationMap: false, sourceMap: true, noEmitOnError: true, types: ['node'] };
const program = ts.createProgram([entry], options);
const emitted = program.emit();
const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
if (diagnostics.length > 0 || emitted.emitSkipped) {
  fail(`${entryArg} does not compile:\n${ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' })}`);
}
const compiled = join(OUT, dirname(inRepo), `${inRepo.slice(dirname(inRepo).length + 1, -'.ts'.length)}.js`);
if (!existsSync(compiled)) fail(`tsc wrote no ${compiled}`);

const run = spawnSync(process.execPath, [...process.execArgv, compiled, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
