/**
 * The availability section of docs/guarantees.md: one table row per (rf, min.insync.replicas,
 * unclean election, ELR) with the most brokers that may fail for good while acks=all writes are
 * still eventually accepted (V6) and while a leader is still eventually elected (V5), each
 * linked to the lasso that shows one more failing, and Kafka's documented figure beside it.
 * The rows arrive as plain data; what they mean is the caller's.
 */

export interface AvailabilityCellLine {
  /** The most brokers down for good with the property holding; −1 when it fails with none down. */
  readonly tolerates: number;
  /** The lasso trace showing `tolerates + 1`, relative to the page, or null when it held throughout. */
  readonly link: string | null;
}

export interface AvailabilityLine {
  readonly rf: number;
  readonly minIsr: number;
  readonly unclean: boolean;
  readonly elr: boolean;
  /** What Kafka documents for acks=all writes: rf − min.insync.replicas. */
  readonly documented: number;
  readonly states: number;
  readonly complete: boolean;
  readonly writes: AvailabilityCellLine;
  readonly leader: AvailabilityCellLine;
}

const onOff = (b: boolean) => (b ? 'on' : 'off');

function cell(c: AvailabilityCellLine, rf: number): string {
  const n = c.tolerates < 0 ? 'none' : String(c.tolerates);
  return c.link === null ? `${n} (all ${rf - 1} tried)` : `${n} ([lasso with ${c.tolerates + 1} down](${c.link}))`;
}

/** One table row; the freshness test regenerates some rows and compares these lines byte for byte. */
export function availabilityRow(l: AvailabilityLine): string {
  const agrees = l.writes.tolerates === l.documented ? 'yes' : 'no, see below';
  const scope = `${l.states.toLocaleString('en')}${l.complete ? '' : ' (incomplete)'}`;
  return `| ${l.rf} | ${l.minIsr} | ${onOff(l.unclean)} | ${onOff(l.elr)} | ${cell(l.writes, l.rf)} | ${l.documented} | ${agrees} | ${cell(l.leader, l.rf)} | ${scope} |`;
}

/** The whole section, with the fingerprint of the sources it was computed from. */
export function availabilitySection(lines: readonly AvailabilityLine[], sources: string): string {
  const out = [
    '## Availability: brokers down for good',
    '',
    'Liveness checked under weak fairness once faults stop (`kafka-spec check --liveness`): for each row, one',
    'graph with up to rf − 1 brokers failing for good (`permanentFailures`), one record, no consumer, no other',
    'fault, and live followers never dropped from the ISR for lag (a follower that keeps fetching does not lag).',
    '**Writes** is the most brokers down for good with which the partition always comes back to a leader that',
    'accepts an acks=all write (V6, `writes-eventually-accepted`); **leader** the most with which a leader is',
    'always elected again (V5, `leader-eventually-elected`). Each number is the largest that holds over the whole',
    'graph; the link is the lasso for one more. **Kafka documents** rf − min.insync.replicas for acks=all writes.',
    '',
    '| rf | min.insync.replicas | unclean | ELR | writes accepted with k down | Kafka documents | agrees | leader elected with k down | states |',
    '|---|---|---|---|---|---|---|---|---|',
    ...lines.map(availabilityRow),
    '',
  ];
  const key = (l: AvailabilityLine) => `${l.rf}/${l.minIsr}`;
  const cells = (l: AvailabilityLine) => `${l.writes.tolerates}/${l.leader.tolerates}`;
  const settingsMatter = lines.some((l) => lines.some((o) => key(o) === key(l) && cells(o) !== cells(l)));
  if (!settingsMatter) {
    out.push('Unclean election and ELR change nothing here: with no live follower dropped for lag, the brokers still up',
      'are in the ISR when the others fail. They matter once a live follower has been dropped: with unclean election',
      'off, a partition whose ISR holds only failed brokers never gets a leader again (V5 fails, by design).',
      'The durability side (acknowledged writes lost to lossy crashes) is what the safety rows above check.', '');
  }
  const differ = lines.filter((l) => l.writes.tolerates !== l.documented);
  if (differ.length > 0) {
    out.push('Where the model and the documented figure differ: ' + differ.map((l) =>
      `rf ${l.rf}, min.insync.replicas ${l.minIsr} (unclean ${onOff(l.unclean)}, ELR ${onOff(l.elr)}): ${l.writes.tolerates} instead of ${l.documented}`).join('; ') +
      '. Follow the linked lasso for the behaviour.', '');
  }
  out.push(`Computed from model sources with fingerprint \`${sources}\` (the freshness test recomputes the rf 2 rows and this fingerprint).`, '');
  return out.join('\n');
}
