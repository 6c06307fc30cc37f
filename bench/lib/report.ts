// Shared by every package's benchmark: what machine the figures come from, the printed table, and
// the JSON written (and read back) under bench/results/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { formatTable } from '@weir/cli';

/** What every benchmark result states next to its figures. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  date: string;
}

/** The machine and runtime the figures were measured on. */
export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/**
 * Prints rows as an aligned text table under an underlined header, with @weir/cli's formatTable
 * (the repository's one table layout). Under ts-node the benchmarks resolve @weir/cli from source
 * through the root tsconfig's paths (tsconfig-paths/register); compiled (runCompiled.js), from
 * its built dist.
 */
export function printTable(header: string[], rows: string[][]): void {
  process.stdout.write(formatTable(rows, { header }));
}

/**
 * The repository root: the nearest directory above this file holding `package-lock.json` (this
 * file runs from `bench/lib/` under ts-node and from `.bench-dist/bench/lib/` compiled, see
 * runCompiled.js).
 */
function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package-lock.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`bench/lib/report: no package-lock.json above ${__dirname}`);
  }
}

/** The path of `bench/results/<name>.json` at the repository root. */
export function resultsFile(name: string): string {
  return join(repositoryRoot(), 'bench', 'results', `${name}.json`);
}

/** Writes `bench/results/<name>.json` at the repository root and returns its path. */
export function writeResults(name: string, data: unknown): string {
  const file = resultsFile(name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** The parsed `bench/results/<name>.json`, `undefined` when there is none; throws when it is no JSON. */
export function readResults(name: string): unknown {
  const file = resultsFile(name);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined;
}
