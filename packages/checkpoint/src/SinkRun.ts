import { Observable, type OperatorFunction } from 'rxjs';
import { messageOf } from '@weir/state';
import type { StreamElement } from '@weir/stream';
import { CheckpointError } from './CheckpointError';
import type { Json } from './Json';
import type { Sink, SinkWriter } from './Sink';

/**
 * Internal: one sink as the coordinator drives its two-phase commit: records are written as they
 * come, pre-committed at each barrier (the state goes into the checkpoint) and committed once the
 * checkpoint is persisted. Every failure becomes `CheckpointError` `SINK` naming the sink.
 */
export class SinkRun<T> {
  #writer: SinkWriter<T> | undefined;

  constructor(
    readonly name: string,
    readonly sink: Sink<T>,
    readonly restored: Json | undefined,
  ) {}

  async open(): Promise<void> {
    try {
      this.#writer = await this.sink.open(this.restored);
    } catch (err) {
      throw err instanceof CheckpointError ? err : new CheckpointError('SINK', `sink '${this.name}' (${this.sink.describe()}) failed to open: ${messageOf(err)}`, { cause: err });
    }
  }

  /**
   * The operator that ends a pipeline in this sink: records are written, each barrier goes to
   * `onBarrier` (which pre-commits); completes when its input completes.
   */
  operator(onBarrier: (checkpointId: number) => void): OperatorFunction<StreamElement<T>, never> {
    return (input$) =>
      new Observable<never>((subscriber) =>
        input$.subscribe({
          next: (el) => {
            try {
              if (el.kind === 'record') this.write(el.value);
              else if (el.kind === 'barrier') onBarrier(el.checkpointId);
            } catch (err) {
              subscriber.error(err);
            }
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      );
  }

  write(value: T): void {
    if (this.#writer === undefined) throw new CheckpointError('STATE', `sink '${this.name}' received a record before the job started (use CheckpointCoordinator.run)`);
    this.#writer.write(value);
  }

  /** Phase one at barrier `id`: the cut is made now; the state settles later (a rejection is `SINK`). */
  preCommit(id: number): Promise<Json> {
    let state: Promise<Json>;
    try {
      state = Promise.resolve(this.#writer!.preCommit(id));
    } catch (err) {
      state = Promise.reject(err);
    }
    return state.catch((err: unknown) => {
      throw new CheckpointError('SINK', `sink '${this.name}' failed to pre-commit checkpoint ${id}: ${messageOf(err)}`, { cause: err });
    });
  }

  /** Phase two: checkpoint `id` is persisted. */
  async commit(id: number): Promise<void> {
    try {
      await this.#writer!.commit(id);
    } catch (err) {
      throw new CheckpointError('SINK', `sink '${this.name}' failed to commit checkpoint ${id}: ${messageOf(err)}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.#writer?.close?.();
  }
}
