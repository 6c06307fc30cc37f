// For kill tests that start a TypeScript entry point as a child process many times: ts-node
// transpiles the whole import graph again at every start (seconds of CPU each), so twenty kills
// would spend most of their time compiling. This transpiles the entry and everything it imports
// from the repository once (TypeScript's transpileModule: no type-check, as ts-jest does it here)
// into a temporary directory with the repository's layout, so each child is a plain `node` start.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

/** The repository root (examples/src/__tests__/../../..). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** A transpiled entry point: run `node <entry>` with `env`. */
export interface TranspiledChild {
  /** The temporary directory (remove it when done). */
  readonly dir: string;
  /** The JavaScript entry point. */
  readonly entry: string;
  /** Environment for the child: third-party modules resolve from the repository's node_modules. */
  readonly env: NodeJS.ProcessEnv;
}

/** The TypeScript file an import names, or `undefined` for a third-party module. */
function resolveImport(from: string, spec: string): string | undefined {
  const weir = /^@weir\/([a-z-]+)(\/testing)?$/.exec(spec);
  if (weir !== null) return join(REPO_ROOT, 'packages', weir[1]!, 'src', weir[2] === undefined ? 'index.ts' : join('testing', 'index.ts'));
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  throw new Error(`transpiledChild: cannot resolve ${spec} from ${from}`);
}

/**
 * Transpiles `entry` (a .ts file in the repository) and every repository file it imports,
 * transitively, into a new temporary directory. `@weir/<pkg>` and `@weir/<pkg>/testing` map to
 * `packages/<pkg>/src` as the root tsconfig's paths do. Costs ~1-2 s once.
 */
export async function transpileChild(entry: string): Promise<TranspiledChild> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-child-'));
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, sourceMap: false };
  const done = new Set<string>();
  const packages = new Set<string>();
  const todo = [resolve(entry)];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    for (const imported of ts.preProcessFile(source, true, true).importedFiles) {
      const target = resolveImport(file, imported.fileName);
      if (target !== undefined) todo.push(target);
      const pkg = /^@weir\/([a-z-]+)/.exec(imported.fileName);
      if (pkg !== null) packages.add(pkg[1]!);
    }
    const out = join(dir, relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, ts.transpileModule(source, { compilerOptions: options, fileName: file }).outputText);
  }
  // `@weir/<pkg>` resolves through <dir>/node_modules (a link) to the transpiled sources.
  mkdirSync(join(dir, 'node_modules', '@weir'), { recursive: true });
  for (const pkg of packages) {
    const home = join(dir, 'packages', pkg);
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'package.json'), JSON.stringify({ name: `@weir/${pkg}`, exports: { '.': './src/index.js', './testing': './src/testing/index.js' } }));
    symlinkSync(home, join(dir, 'node_modules', '@weir', pkg));
  }
  return {
    dir,
    entry: join(dir, relative(REPO_ROOT, resolve(entry))).replace(/\.ts$/, '.js'),
    env: { ...process.env, NODE_PATH: join(REPO_ROOT, 'node_modules') },
  };
}
