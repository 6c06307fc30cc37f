import type { NexmarkQuery } from './NexmarkQuery';
import { q0 } from './queries/q0';
import { q1 } from './queries/q1';
import { q2 } from './queries/q2';
import { q3 } from './queries/q3';
import { q4 } from './queries/q4';
import { q5 } from './queries/q5';
import { q7 } from './queries/q7';
import { q8 } from './queries/q8';
import { q11 } from './queries/q11';
import { q12 } from './queries/q12';

/** Every Nexmark query weir runs, in order. */
export const NEXMARK_QUERIES: readonly NexmarkQuery<unknown>[] = [q0, q1, q2, q3, q4, q5, q7, q8, q11, q12];
