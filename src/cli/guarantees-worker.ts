/**
 * A worker thread of `kafka-spec guarantees`: explores each matrix row the main thread sends it,
 * one at a time, and posts the row's result as plain data (the exploration result, the violations
 * with their traces, coverage) for the main thread to render; a null message ends it. Rows are
 * independent and seeded, so the pages come out the same however the rows are shared among workers.
 */
import { parentPort } from 'node:worker_threads';
import type { MatrixRow } from '../../properties/matrix.ts';
import { exploreRowData } from './guarantees.ts';

parentPort!.on('message', (job: { index: number; row: MatrixRow } | null) => {
  if (job === null) {
    parentPort!.close();
    return;
  }
  parentPort!.postMessage({ index: job.index, data: exploreRowData(job.row) });
});
