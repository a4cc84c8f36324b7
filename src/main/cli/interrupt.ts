/**
 * Ctrl-C while the CLI follows a build or a run: the first asks to cancel it,
 * the second leaves at once. Returns the function that removes the handler.
 */
export function cancelOnInterrupt(what: string, cancel: () => void): () => void {
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\nCanceling the ${what} (Ctrl-C again to leave at once)...\n`);
    cancel();
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}
