/**
 * Ends the step once everything written to stdout has reached the runner. Outputs, state and summary
 * are written by then: exiting rather than waiting on abandoned requests (a notifier that stopped
 * answering) keeps the step from hanging; but process.exit() drops what a pipe has not taken yet,
 * so it waits for the stream to drain first.
 */
export function exitStep(): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit()));
}
