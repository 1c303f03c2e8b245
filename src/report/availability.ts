/**
 * The durability and availability section of docs/guarantees.md: one table row per (rf,
 * min.insync.replicas, unclean election, ELR) with the most lossy crashes after which no
 * acknowledged write, and no committed record, is lost (safety, each with how it was established
 * and the trace of one more crash losing it), the most brokers that may fail for good while
 * acks=all writes are still eventually accepted (V6) and while a leader is still eventually
 * elected (V5), each linked to the lasso that shows one more failing, and Kafka's documented
 * figures beside them. The rows arrive as plain data; what they mean is the caller's. The section
 * sits between two markers, so the matrix and this section can be regenerated one without the other.
 */

export interface AvailabilityCellLine {
  /** The most brokers down for good with the property holding; −1 when it fails with none down. */
  readonly tolerates: number;
  /** The lasso trace showing `tolerates + 1`, relative to the page, or null when it held throughout. */
  readonly link: string | null;
}

/** What the search found of one durability property in one row. */
export interface DurabilityCellLine {
  /** The most crashes tried (rf). */
  readonly tried: number;
  /** The most crashes whose graph was searched completely without a loss (−1: none). */
  readonly proven: number;
  /** The first graph searched breadth-first only in part, without a loss. */
  readonly bounded: { readonly crashes: number; readonly depth: number } | null;
  /** The fewest crashes with a loss found: the trace's length, whether it is known shortest, its file (relative to the page). */
  readonly loss: { readonly crashes: number; readonly length: number; readonly shortest: boolean; readonly foundBy: 'exhaustive' | 'random' | 'kept'; readonly link: string } | null;
  /**
   * Acknowledged writes only: the wider search beside the number, with as many lossy crashes as
   * the number and `kafka-spec check`'s other default faults; absent when it was not run (the
   * number is 0, so the loss beside it already has one crash and nothing else).
   */
  readonly wider?: WiderLine;
}

/** What the wider search found: a loss with the faults its trace takes (linked), or none in its runs. */
export interface WiderLine {
  readonly crashes: number;
  readonly runs: number;
  /** `kept`: a loss an earlier generation of the page found, still replaying, where this one's runs found none or a longer one. */
  readonly loss: { readonly length: number; readonly shortest: boolean; readonly faults: readonly string[]; readonly link: string; readonly kept?: boolean } | null;
}

/** The faults a search allowed and those it left out, in words (properties/availability.ts `faultScope`). */
export interface FaultScope {
  readonly allowed: readonly string[];
  readonly leftOut: readonly string[];
}

/** The faults each of the section's searches allows, for its legend. */
export interface SectionScopes {
  readonly durability: FaultScope;
  readonly wider: FaultScope;
  readonly availability: FaultScope;
}

export interface AvailabilityLine {
  readonly rf: number;
  readonly minIsr: number;
  readonly unclean: boolean;
  readonly elr: boolean;
  /** What Kafka documents for acks=all writes: rf − min.insync.replicas. */
  readonly documented: number;
  /** What KIP-966 states for lossy crashes (min.insync.replicas − 1, with ELR on and unclean election off), or null. */
  readonly documentedCrashes: number | null;
  /** Distinct states of the durability graphs searched breadth-first, and of the availability graph. */
  readonly durabilityStates: number;
  readonly states: number;
  readonly complete: boolean;
  readonly acked: DurabilityCellLine;
  readonly committed: DurabilityCellLine;
  readonly writes: AvailabilityCellLine;
  readonly leader: AvailabilityCellLine;
}

const onOff = (b: boolean) => (b ? 'on' : 'off');

/** The most crashes survived as far as the search knows: one less than the fewest with a loss, or all tried. */
export function crashesSurvived(c: DurabilityCellLine): number {
  return c.loss === null ? c.tried : c.loss.crashes - 1;
}

/** Whether the number of `crashesSurvived` rests on graphs searched completely. */
export const provenSurvived = (c: DurabilityCellLine): boolean => c.proven >= crashesSurvived(c);

/** A durability cell: the number, qualified unless proven, and the loss with one more crash, linked. */
function durabilityCell(c: DurabilityCellLine): string {
  const k = crashesSurvived(c);
  const b = c.bounded;
  // A graph searched in part with more crashes than a kept loss needs says nothing more about k.
  const number = provenSurvived(c) ? `${k}`
    : b === null || b.crashes > k ? (c.proven >= 0 ? `≥ ${c.proven}, ≤ ${k}` : `≤ ${k}`)
    : b.crashes === k ? `${k}, to depth ${b.depth}`
    : `≤ ${k} (${b.crashes} to depth ${b.depth})`;
  const wider = c.wider === undefined ? '' : `; ${widerWords(c.wider)}`;
  if (c.loss === null) return `${number} (no loss found with up to ${c.tried})${wider}`;
  const n = c.loss.crashes;
  return `${number} ([lost with ${n} crash${n === 1 ? '' : 'es'}: ${c.loss.shortest ? '' : '≤ '}${c.loss.length} steps](${c.loss.link}))${wider}`;
}

/** The wider search beside a number: the loss `check`'s default faults add, or none found in its runs (which proves nothing). */
export function widerWords(w: WiderLine): string {
  const crashes = `${w.crashes} lossy crash${w.crashes === 1 ? '' : 'es'}`;
  if (w.loss === null) return `with ${crashes} and check's other faults, none found in ${w.runs.toLocaleString('en')} random runs`;
  return `with ${crashes} and check's other faults, [lost in ${w.loss.shortest ? '' : '≤ '}${w.loss.length} steps](${w.loss.link}) ` +
    `(${w.loss.faults.join(', ')}${w.loss.kept === true ? '; kept from an earlier search, still replaying' : ''})`;
}

/** `allowed: a, b; left out: c` for a legend. */
function scopeWords(s: FaultScope): string {
  return `${s.allowed.join(', ')}${s.leftOut.length === 0 ? '' : `; left out: ${s.leftOut.join(', ')}`}`;
}

/** How a row's durability cells were established: complete graphs, graphs searched to a depth, losses random runs found. */
function establishedBy(l: AvailabilityLine): string {
  const crashes = (n: number) => `${n} crash${n === 1 ? '' : 'es'}`;
  const cells = [l.acked, l.committed];
  const proven = Math.max(...cells.map((c) => c.proven));
  const bounded = [...new Set(cells.flatMap((c) => (c.bounded === null ? [] : [c.bounded])).sort((a, b) => a.crashes - b.crashes)
    .map((b) => `${crashes(b.crashes)} to depth ${b.depth}`))];
  const by = (engine: 'random' | 'kept') => [...new Set(cells.flatMap((c) => (c.loss?.foundBy === engine ? [c.loss.crashes] : [])).sort((a, b) => a - b))];
  const [random, kept] = [by('random'), by('kept')];
  const ways = [
    ...(proven >= 0 ? [`complete graph${proven > 0 ? 's' : ''} up to ${crashes(proven)}`] : []),
    ...(bounded.length > 0 ? [`breadth-first: ${bounded.join(', ')}`] : []),
    ...(random.length > 0 ? [`random runs: loss with ${random.map(crashes).join(', ')}`] : []),
    ...(kept.length > 0 ? [`kept from an earlier search, still replaying: loss with ${kept.map(crashes).join(', ')}`] : []),
  ];
  return `${ways.join('; ')} (${l.durabilityStates.toLocaleString('en')} states)`;
}

function cell(c: AvailabilityCellLine, rf: number): string {
  const n = c.tolerates < 0 ? 'none' : String(c.tolerates);
  return c.link === null ? `${n} (all ${rf - 1} tried)` : `${n} ([lasso with ${c.tolerates + 1} down](${c.link}))`;
}

/** One table row; the freshness test regenerates some rows and compares these lines byte for byte. */
export function availabilityRow(l: AvailabilityLine): string {
  const agrees = l.writes.tolerates === l.documented ? 'yes' : 'no, see below';
  const scope = `${l.states.toLocaleString('en')}${l.complete ? '' : ' (incomplete)'}`;
  return `| ${l.rf} | ${l.minIsr} | ${onOff(l.unclean)} | ${onOff(l.elr)} | ${durabilityCell(l.acked)} | ${durabilityCell(l.committed)} | ` +
    `${establishedBy(l)} | ${l.documentedCrashes ?? '—'} | ${cell(l.writes, l.rf)} | ${l.documented} | ${agrees} | ${cell(l.leader, l.rf)} | ${scope} |`;
}

/** The markers around the section in docs/guarantees.md. */
export const SECTION_BEGIN = '<!-- durability and availability: generated by kafka-spec guarantees --part availability -->';
export const SECTION_END = '<!-- end of durability and availability -->';

/** `page` with its durability and availability section (markers included) replaced by `section`. */
export function withSection(page: string, section: string): string {
  const begin = page.indexOf(SECTION_BEGIN);
  const end = page.indexOf(SECTION_END);
  if (begin < 0 || end < begin) throw new Error('the page has no durability and availability section');
  return page.slice(0, begin) + section + page.slice(end + SECTION_END.length);
}

/** The section of `page`, markers included, or null when it has none. */
export function sectionOf(page: string): string | null {
  const begin = page.indexOf(SECTION_BEGIN);
  const end = page.indexOf(SECTION_END);
  return begin < 0 || end < begin ? null : page.slice(begin, end + SECTION_END.length);
}

/** The section before it is computed: the markers and how to fill them. */
export const EMPTY_SECTION = [SECTION_BEGIN, '## Durability and availability', '',
  'Not computed yet: run `kafka-spec guarantees --part availability`.', SECTION_END].join('\n');

const rowName = (l: AvailabilityLine) => `rf ${l.rf}, min.insync.replicas ${l.minIsr} (unclean ${onOff(l.unclean)}, ELR ${onOff(l.elr)})`;

/** The section, markers included, with the fingerprint of the sources it was computed from. */
export function availabilitySection(lines: readonly AvailabilityLine[], sources: string, scopes: SectionScopes): string {
  const out = [
    SECTION_BEGIN,
    '## Durability and availability', '',
    'Computed by `kafka-spec guarantees` (alone: `kafka-spec guarantees --part availability`), for today\'s protocol with',
    'acks=all. Trace files are replayed with `npx kafka-spec replay docs/counterexamples/FILE`.', '',
    '**Durability** (safety, breadth-first search): for k = 0, 1, … crashes, one graph of the row\'s configuration with at',
    'most k crashes, each possibly lossy (the broker loses its unflushed records: an OS or power failure), at most k elections,',
    'one record, no consumer, no other fault, and live followers dropped from the ISR for lag at most rf − 1 times (a replica',
    'that falls behind). **Acknowledged writes** is the most crashes with no acknowledged write missing from the leader\'s',
    'log (`acks-all-durable`); **committed records** the most with every committed record still on some broker',
    '(`no-committed-loss`). The link is the shortest trace (breadth-first) that loses one with one more crash, or',
    '"≤ n steps" for one random runs found (seeded, shrunk, not known to be shortest), or one an earlier generation of this',
    'section found that still replays to the loss ("kept from an earlier search"). A bare number was proven on complete',
    'graphs; "k, to depth d" means the graph with k crashes was too large for its state budget and no loss was found in any',
    'behaviour of up to d steps; "≤ k (j to depth d)" that random runs found nothing with j + 1 to k crashes either, which',
    'proves nothing. **KIP-966** is what Kafka\'s design for ELR states: min.insync.replicas − 1 lossy crashes tolerated.', '',
    `Faults the durability graphs allow: ${scopeWords(scopes.durability)}. A number in those columns holds for those`,
    'faults only: it is not what `kafka-spec check` answers with its default faults, which include some the graphs leave out.',
    'So beside the number of acknowledged writes, **with check\'s other faults** gives what seeded random runs (guided as',
    '`check`\'s are) find with the row\'s settings, as many lossy crashes as the number, and every other bound as `check` has',
    `it by default (${scopeWords(scopes.wider)}): a loss found there is real and`,
    'replays (`≤ n`: shrunk, not known to be shortest), with the faults its trace takes; none found proves nothing. A row',
    'whose number is 0 has no such search: its linked loss already takes one crash and nothing else.', '',
    '**Availability** (liveness under weak fairness once faults stop, `kafka-spec check --liveness`): one graph per row with',
    `up to rf − 1 brokers failing for good (faults allowed: ${scopeWords(scopes.availability)}), one record, no consumer, and live followers`,
    'never dropped for lag (a follower that keeps fetching does not lag). **Writes** is the most brokers down for good with',
    'which the partition always comes back to a leader that accepts an acks=all write (V6, `writes-eventually-accepted`);',
    '**leader** the most with which a leader is always elected again (V5, `leader-eventually-elected`), each over the whole',
    'graph; the link is the lasso for one more. **Kafka documents** rf − min.insync.replicas for acks=all writes.', '',
    '| rf | min.insync.replicas | unclean | ELR | acknowledged writes survive k lossy crashes (the graphs\' faults only; then with check\'s other faults) | committed records survive (the graphs\' faults only) | durability established by | KIP-966 | writes accepted with k down | Kafka documents | agrees | leader elected with k down | availability states |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...lines.map(availabilityRow),
    '',
    ...documentedRows(lines),
  ];
  const apart = lines.filter((l) => l.documentedCrashes !== null && crashesSurvived(l.acked) !== l.documentedCrashes);
  if (apart.length > 0) {
    out.push('Where durability differs from KIP-966\'s figure: ' + apart.map((l) =>
      `${rowName(l)}: ${l.acked.loss === null ? 'no loss found' : crashesSurvived(l.acked)}${provenSurvived(l.acked) ? '' : ' (not proven)'} instead of ${l.documentedCrashes}`).join('; ') +
      '. Follow the linked trace; numbers not proven are discussed above.', '');
  }
  const differ = lines.filter((l) => l.writes.tolerates !== l.documented);
  if (differ.length > 0) {
    out.push('Where availability and the documented figure differ: ' + differ.map((l) => `${rowName(l)}: ${l.writes.tolerates} instead of ${l.documented}`).join('; ') +
      '. Follow the linked lasso for the behaviour.', '');
  }
  out.push(`Computed from model sources with fingerprint \`${sources}\` (the freshness test recomputes the rows of rf 2 whose graphs are small, and this fingerprint).`,
    SECTION_END);
  return out.join('\n');
}

/** Rows of one replication factor named by their settings: `min.insync.replicas 1 (every setting of unclean election and ELR)`. */
function settingsOf(rows: readonly AvailabilityLine[]): string {
  const byMinIsr = [...new Set(rows.map((l) => l.minIsr))].map((m) => {
    const these = rows.filter((l) => l.minIsr === m);
    const which = these.length === 4 ? 'every setting of unclean election and ELR'
      : these.map((l) => `unclean ${onOff(l.unclean)}, ELR ${onOff(l.elr)}`).join('; ');
    return `min.insync.replicas ${m} (${which})`;
  });
  return byMinIsr.join(' and ');
}

/** What the search found of acknowledged writes in a row, in words, with the trace when a loss was found. */
function lossWords(l: AvailabilityLine): string {
  const c = l.acked;
  if (c.loss !== null) {
    const n = c.loss.crashes;
    return `[an acknowledged write is lost](${c.loss.link}) after ${n} lossy crash${n === 1 ? '' : 'es'}${provenSurvived(c) ? '' : ' (the fewest found; fewer are not ruled out)'}`;
  }
  const b = c.bounded;
  return `no acknowledged write was found lost with up to ${c.tried} lossy crashes${b === null ? '' : ` (none in any behaviour of up to ${b.depth} steps with ${b.crashes}, then random runs)`}`;
}

/**
 * Kafka's documented table, rf 3 with acks=all: min.insync.replicas 1 risks loss when the leader
 * dies, 2 tolerates one replica behind, 3 stops writes when any replica is down; what the rows of
 * today's defaults (unclean off, ELR on) say of each, and the rows of rf 3 where no loss was found
 * although the same settings lose a write at rf 2.
 */
function documentedRows(lines: readonly AvailabilityLine[]): string[] {
  const row = (rf: number, m: number, unclean = false, elr = true) => lines.find((l) => l.rf === rf && l.minIsr === m && l.unclean === unclean && l.elr === elr);
  const [one, two, three] = [row(3, 1), row(3, 2), row(3, 3)];
  if (one === undefined || two === undefined || three === undefined) return [];
  const down = (n: number) => `${Math.max(n, 0)} broker${n === 1 ? '' : 's'} down`;
  const out = ['Kafka\'s documented table for rf 3 and acks=all, against the rows with unclean election off and ELR on:', '',
    `- min.insync.replicas=1 risks loss when the leader dies: ${lossWords(one)};`,
    `- min.insync.replicas=2 tolerates one replica behind: writes are accepted with ${down(two.writes.tolerates)}, and ${lossWords(two)};`,
    `- min.insync.replicas=3 stops writes when any replica is down: writes are accepted with ${down(three.writes.tolerates)}, and ${lossWords(three)}.`, ''];
  const deeper = lines.filter((l) => {
    const at2 = row(2, l.minIsr, l.unclean, l.elr);
    return l.rf === 3 && !provenSurvived(l.acked) && at2 !== undefined && crashesSurvived(l.acked) > crashesSurvived(at2.acked);
  });
  if (deeper.length > 0) {
    out.push(`At rf 3 the numbers of ${settingsOf(deeper)} are larger than at rf 2 with the same settings, where the`,
      'loss is on a complete graph (follow the rf 2 row\'s trace). There the write is acknowledged once the ISR has shrunk to',
      'the replicas that hold it, and the ISR then loses its last copy; at rf 3 the ISR has one more member to shrink away (the',
      'leader\'s proposal, the controller\'s answer, the metadata replay) before the write, and the rf 3 graphs, which grow',
      'several times faster per step, were searched only to the depths the table gives, then by random runs. Those numbers are',
      'what the search reached, not evidence that rf 3 is safer; Kafka\'s statement is about the mechanism the rf 2 rows show.', '');
  }
  return out;
}
