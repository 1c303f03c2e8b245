/**
 * The words a step's footprint is written in (spec/independence.ts says what footprints are for):
 * the parts of a cluster state, as bits, and a builder each step definition calls to name the
 * parts it reads and writes.
 *
 * The parts are each replica's slot, the controller, the ghost, the producer, the consumer, the
 * budgets (with the deposed controller's metadata) and each directed connection of the network.
 */
import type { ClusterState } from '../cluster.ts';
import type { BrokerId } from '../types.ts';

/** Words per mask: the parts below, then one bit per connection (sender × 6 + receiver). */
export const WORDS = 3;
/** A replica's log, HW, fetch state, ISR view, …: everything in its slot but its lifecycle. */
export const context = (b: BrokerId): number => 1 << (b - 1);
/**
 * A replica's role and incarnation, which only metadata, crashes, shutdowns and restarts change
 * (the replica machine's only transitions to another state). Other brokers' steps read it: a
 * follower fetches only from a running leader, and a message reaches only the incarnation that
 * asked for it.
 */
export const lifecycle = (b: BrokerId): number => 1 << (4 + b);
export const slot = (b: BrokerId): number => context(b) | lifecycle(b);
export const CONTROLLER = 1 << 10;
export const GHOST = 1 << 11;
export const PRODUCER = 1 << 12;
export const CONSUMER = 1 << 13;
export const BUDGETS = 1 << 14;
const ALL = 0xffffffff;

/** Builds one footprint in place: reads at out[at..at+WORDS), writes at out[at+WORDS..at+2×WORDS). */
export class Footprint {
  out!: Uint32Array;
  at = 0;

  /**
   * `direct`: ISR changes are written synchronously (before KIP-497), so a leader's proposal reaches
   * the controller within its step. `producerHearsAcks`: a producer that retries forgets a batch when
   * a leader's step acknowledges it (P8).
   */
  constructor(private readonly direct: boolean, private readonly producerHearsAcks = false) {}

  reads(parts: number): this {
    this.out[this.at] |= parts;
    return this;
  }

  writes(parts: number): this {
    this.out[this.at] |= parts;
    this.out[this.at + WORDS] |= parts;
    return this;
  }

  /** The connection from `from` to `to` (0: the controller), read and written. */
  link(from: number, to: number): this {
    const bit = from * 6 + to;
    const word = this.at + 1 + (bit >>> 5);
    this.out[word] |= 1 << (bit & 31);
    this.out[word + WORDS] |= 1 << (bit & 31);
    return this;
  }

  /**
   * What a step of broker `b`'s replica machine may touch besides its slot when the broker leads:
   * the ghost (its HW exposes records, acks name the producer's next value), the producer when it
   * hears acks, and an ISR proposal, which before KIP-497 the controller handles within the step.
   */
  leading(b: BrokerId): this {
    this.writes(context(b) | GHOST | (this.producerHearsAcks ? PRODUCER : 0)).reads(lifecycle(b) | PRODUCER).link(b, 0);
    return this.direct ? this.writes(CONTROLLER | BUDGETS) : this;
  }

  /** A step of broker `b`'s machine, with what it may do as a leader when it leads now or may be made one. */
  replica(s: ClusterState, b: BrokerId, mayLead = s.replicas[b - 1].role === 'leader'): this {
    return mayLead ? this.leading(b) : this.writes(context(b)).reads(lifecycle(b));
  }

  /** Metadata naming `b` leader may make it one; any metadata may change its role. */
  metadata(s: ClusterState, b: BrokerId, leader: BrokerId): this {
    return this.replica(s, b, s.replicas[b - 1].role === 'leader' || leader === b).writes(lifecycle(b));
  }

  /** A controller step: the controller, the budgets its elections spend, the ghost the election goals read. */
  controller(): this {
    return this.writes(CONTROLLER | BUDGETS).reads(GHOST);
  }

  everything(): this {
    this.out.fill(ALL, this.at, this.at + 2 * WORDS);
    return this;
  }
}
