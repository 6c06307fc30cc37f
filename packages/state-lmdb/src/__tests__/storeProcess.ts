// A child process for the fault tests: opens LmdbStores the way another process would.
//   storeProcess.ts open <path>...  tries to open each path; prints one JSON line per path
//                                  ({ ok: true } or { error: { name, code, message } }), closes
//   storeProcess.ts hold <path>     opens the store, writes one entry, prints "holding", and keeps
//                                  it open until stdin closes (or the process is killed)
import { StateError } from '@weir/state';
import { LmdbStore } from '@weir/state-lmdb';

function describe(err: unknown): { name: string; code?: string; message: string } {
  if (err instanceof StateError) return { name: err.name, code: err.code, message: err.message };
  return err instanceof Error ? { name: err.name, message: err.message } : { name: 'unknown', message: String(err) };
}

async function main(): Promise<void> {
  const [mode, ...paths] = process.argv.slice(2);
  if (mode === 'open') {
    for (const path of paths) {
      try {
        const store = new LmdbStore({ path });
        await store.close();
        process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
      } catch (err) {
        process.stdout.write(`${JSON.stringify({ error: describe(err) })}\n`);
      }
    }
    return;
  }
  if (mode === 'hold') {
    const store = new LmdbStore({ path: paths[0]! });
    store.put(Uint8Array.of(1), Uint8Array.of(2));
    store.flush();
    process.stdout.write('holding\n');
    process.stdin.resume();
    await new Promise((resolve) => process.stdin.on('end', resolve));
    await store.close();
    return;
  }
  throw new Error(`unknown mode ${String(mode)}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
