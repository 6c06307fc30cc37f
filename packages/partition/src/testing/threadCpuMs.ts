import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (user + system, ms) of this process's main thread and of its other threads (V8's
 * garbage-collection and compiler threads, libuv's pool doing file writes), from
 * `/proc/self/task` (Linux; `undefined` elsewhere). What the other threads use is what a second
 * worker on the same cores competes for. O(threads); resolution 10 ms.
 *
 * @example
 * ```ts
 * const before = threadCpuMs();
 * // ... run ...
 * const after = threadCpuMs(); // after.main - before.main: the main thread's CPU ms
 * ```
 */
export function threadCpuMs(): { readonly main: number; readonly others: number } | undefined {
  try {
    let main = 0;
    let others = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(f[11]) + Number(f[12])) * 10; // utime + stime, clock ticks of 10 ms
      if (Number(tid) === process.pid) main += ms;
      else others += ms;
    }
    return { main, others };
  } catch {
    return undefined;
  }
}
