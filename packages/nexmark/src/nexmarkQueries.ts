import type { NexmarkQuery } from './NexmarkQuery';
import { q0 } from './queries/q0';
import { q1 } from './queries/q1';
import { q2 } from './queries/q2';
import { q3 } from './queries/q3';
import { q4 } from './queries/q4';
import { q5 } from './queries/q5';
import { q6 } from './queries/q6';
import { q7 } from './queries/q7';
import { q8 } from './queries/q8';
import { q9 } from './queries/q9';
import { q10 } from './queries/q10';
import { q11 } from './queries/q11';
import { q12 } from './queries/q12';
import { q13 } from './queries/q13';
import { q14 } from './queries/q14';
import { q15 } from './queries/q15';
import { q16 } from './queries/q16';
import { q17 } from './queries/q17';
import { q18 } from './queries/q18';
import { q19 } from './queries/q19';
import { q20 } from './queries/q20';
import { q21 } from './queries/q21';
import { q22 } from './queries/q22';

/** Every Nexmark query weir runs, in order. */
export const NEXMARK_QUERIES: readonly NexmarkQuery<unknown>[] = [q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15, q16, q17, q18, q19, q20, q21, q22];
