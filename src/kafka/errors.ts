/**
 * The one error the harness raises for what stops a run before or while it drives Kafka (no Java,
 * jars not fetched, a port taken, a node that would not start, a step that cannot be driven): a
 * one-line message the CLI prints as it is, with exit code 2.
 */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
}
