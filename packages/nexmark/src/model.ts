/**
 * A new user of the auction site (Nexmark's `Person`). `dateTime` is the event time, epoch ms.
 */
export interface Person {
  readonly type: 'person';
  /** Unique, increasing from 1000. */
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  /** A US state code ('OR', 'ID', 'CA', ...). */
  readonly state: string;
  readonly dateTime: number;
  /** Padding that brings the average event to the model's size. */
  readonly extra: string;
}

/** An item put up for auction (Nexmark's `Auction`). */
export interface Auction {
  readonly type: 'auction';
  /** Unique, increasing from 1000. */
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  /** Cents. */
  readonly initialBid: number;
  /** Cents, above `initialBid`. */
  readonly reserve: number;
  /** When the auction opens: its event time, epoch ms. */
  readonly dateTime: number;
  /** When the auction closes, epoch ms: after `dateTime`. */
  readonly expires: number;
  /** The selling person's id. */
  readonly seller: number;
  /** 10..14. */
  readonly category: number;
  readonly extra: string;
}

/** A bid on an auction (Nexmark's `Bid`). */
export interface Bid {
  readonly type: 'bid';
  /** The auction's id. */
  readonly auction: number;
  /** The bidding person's id. */
  readonly bidder: number;
  /** Cents. */
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  /** Event time, epoch ms. */
  readonly dateTime: number;
  readonly extra: string;
}

/** One event of the Nexmark stream, told apart by `type`. */
export type NexmarkEvent = Person | Auction | Bid;

/** The event time of any Nexmark event (its `dateTime`). */
export function eventTime(event: NexmarkEvent): number {
  return event.dateTime;
}

/** Whether `event` is a {@link Person}. */
export function isPerson(event: NexmarkEvent): event is Person {
  return event.type === 'person';
}

/** Whether `event` is an {@link Auction}. */
export function isAuction(event: NexmarkEvent): event is Auction {
  return event.type === 'auction';
}

/** Whether `event` is a {@link Bid}. */
export function isBid(event: NexmarkEvent): event is Bid {
  return event.type === 'bid';
}
