/**
 * A worker thread of `kafka-spec guarantees`: explores the matrix rows it is given, one after the
 * other, and posts each row's result as plain data (the exploration result, the violations with
 * their traces, coverage) for the main thread to render. Rows are independent and seeded, so the
 * pages come out the same however the rows are shared among workers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MatrixRow } from '../../properties/matrix.ts';
import { exploreRowData } from './guarantees.ts';

const { rows } = workerData as { rows: { index: number; row: MatrixRow }[] };
for (const { index, row } of rows) parentPort!.postMessage({ index, data: exploreRowData(row) });
