import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { describeValue, optionKeys } from '@weir/state';
import { checkNatsOptionKeys } from './checkNatsOptionKeys';
import { NatsError } from './NatsError';

/** Options of {@link connectNats}. */
export interface ConnectNatsOptions {
  /** The server URL(s), e.g. `'nats://127.0.0.1:4222'` or a cluster's list; tried in order. */
  readonly servers: string | readonly string[];
  /** Connection attempts (each tries every URL once) before giving up with `CONNECT`; default 5. */
  readonly attempts?: number;
  /** The wait after the first failed attempt, ms; doubled after each one up to {@link maxBackoffMs}. Default 100. */
  readonly initialBackoffMs?: number;
  /** The longest wait between two attempts, ms; default 2,000. */
  readonly maxBackoffMs?: number;
  /** How long one attempt waits for the server's handshake, ms; default 2,000. */
  readonly timeoutMs?: number;
  /**
   * Reconnect attempts per server once connected (the client reconnects by itself after a server
   * restart, buffering what is published meanwhile); default -1: never give up, so a running job
   * rides out a restart. The job's own operations time out instead.
   */
  readonly maxReconnectAttempts?: number;
  /** The wait between reconnect attempts of a running connection, ms; default 250. */
  readonly reconnectTimeWaitMs?: number;
  /** The client name the server's monitoring shows; default `'weir'`. */
  readonly name?: string;
}

const KEYS = optionKeys<ConnectNatsOptions>({
  servers: true,
  attempts: true,
  initialBackoffMs: true,
  maxBackoffMs: true,
  timeoutMs: true,
  maxReconnectAttempts: true,
  reconnectTimeWaitMs: true,
  name: true,
});

/**
 * Connects to NATS with bounded retries: up to `attempts` tries, each over every URL, waiting
 * `initialBackoffMs` after the first failure and twice as long after each next one (capped at
 * `maxBackoffMs`). Fails with {@link NatsError} `CONNECT` naming the URL(s) and the number of
 * attempts, the last client error as `cause`. The connection it returns reconnects by itself
 * (see {@link ConnectNatsOptions.maxReconnectAttempts}); close it with `await nc.close()`.
 *
 * Cost: one TCP connect and handshake when the server is up (~2 ms on loopback); at most
 * `attempts * timeoutMs` plus the backoff sum (about 1.5 s of waits with the defaults) when not.
 *
 * @example
 * ```ts
 * const nc = await connectNats({ servers: ['nats://127.0.0.1:4222'], attempts: 3 });
 * try {
 *   // jetstream(nc), jetStreamSource({ connection: nc, ... }), ...
 * } finally {
 *   await nc.close();
 * }
 * ```
 */
export async function connectNats(options: ConnectNatsOptions): Promise<NatsConnection> {
  const o = resolve(options);
  let cause: unknown;
  let backoff = o.initialBackoffMs;
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    try {
      return await connect({
        servers: [...o.servers],
        name: o.name,
        timeout: o.timeoutMs,
        noRandomize: true,
        reconnect: true,
        maxReconnectAttempts: o.maxReconnectAttempts,
        reconnectTimeWait: o.reconnectTimeWaitMs,
        reconnectJitter: Math.min(100, o.reconnectTimeWaitMs),
      });
    } catch (err) {
      cause = err;
    }
    if (attempt < o.attempts) {
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(o.maxBackoffMs, backoff * 2);
    }
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  throw new NatsError(
    'CONNECT',
    `connectNats: cannot reach NATS at ${o.servers.join(', ')} after ${o.attempts} attempt${o.attempts === 1 ? '' : 's'} (${reason})`,
    { cause },
  );
}

interface Resolved {
  readonly servers: readonly string[];
  readonly attempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly timeoutMs: number;
  readonly maxReconnectAttempts: number;
  readonly reconnectTimeWaitMs: number;
  readonly name: string;
}

function resolve(o: ConnectNatsOptions): Resolved {
  const bad = (what: string, value: unknown): NatsError => new NatsError('INVALID_ARGUMENT', `connectNats: ${what}, got ${describeValue(value)}`);
  if (typeof o !== 'object' || o === null) throw bad('options must be an object', o);
  checkNatsOptionKeys('connectNats', o, KEYS);
  const servers = typeof o.servers === 'string' ? [o.servers] : o.servers;
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === 'string' && s.length > 0)) {
    throw bad('`servers` must be a URL or a non-empty list of URLs', o.servers);
  }
  const int = (name: keyof ConnectNatsOptions, min: number, fallback: number): number => {
    const v = o[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw bad(`\`${name}\` must be an integer >= ${min}`, v);
    return v;
  };
  if (o.name !== undefined && typeof o.name !== 'string') throw bad('`name` must be a string', o.name);
  const initialBackoffMs = int('initialBackoffMs', 0, 100);
  const maxBackoffMs = int('maxBackoffMs', 0, Math.max(2_000, initialBackoffMs));
  if (maxBackoffMs < initialBackoffMs) throw bad(`\`maxBackoffMs\` must be >= \`initialBackoffMs\` (${initialBackoffMs})`, maxBackoffMs);
  return {
    servers,
    attempts: int('attempts', 1, 5),
    initialBackoffMs,
    maxBackoffMs,
    timeoutMs: int('timeoutMs', 1, 2_000),
    maxReconnectAttempts: int('maxReconnectAttempts', -1, -1),
    reconnectTimeWaitMs: int('reconnectTimeWaitMs', 0, 250),
    name: o.name ?? 'weir',
  };
}
