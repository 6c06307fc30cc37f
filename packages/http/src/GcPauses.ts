import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/**
 * Internal: garbage-collection pauses of this process, from `perf_hooks` `gc` entries, while
 * started: count, total and longest pause (ms). One observer per server; O(1) per collection.
 */
export class GcPauses {
  count = 0;
  totalMs = 0;
  maxMs = 0;
  #observer: PerformanceObserver | undefined;

  start(): void {
    if (this.#observer !== undefined) return;
    this.#observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) this.#note(e);
    });
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  stop(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
  }

  #note(e: PerformanceEntry): void {
    this.count++;
    this.totalMs += e.duration;
    if (e.duration > this.maxMs) this.maxMs = e.duration;
  }
}
