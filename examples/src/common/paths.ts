// Where an example job keeps its files: examples/output/<job>/{data,checkpoints,results}.
import { join, relative, resolve } from 'node:path';

export interface JobPaths {
  readonly dir: string;
  readonly data: string;
  readonly checkpoints: string;
  readonly results: string;
}

/** examples/output/<job>, found from the compiled script's location (examples/dist/<job>/main.js). */
export function defaultJobDir(job: string): string {
  return resolve(__dirname, '..', '..', 'output', job);
}

export function jobPaths(dir: string): JobPaths {
  return { dir, data: join(dir, 'data'), checkpoints: join(dir, 'checkpoints'), results: join(dir, 'results') };
}

/** A path as short as possible for printing: relative to the working directory when inside it. */
export function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
