/**
 * A script run's parameters as its command line gives them: `--lr 0.01`, `--lr=0.01`, `-e 5`.
 * Azure passes hyperparameters this way (ScriptRunConfig arguments; HyperDrive appends `--name value`
 * per sampled parameter), so the runs table reads a sweep's parameters from the trials' arguments.
 * A flag with no value (`--verbose`) reads as "true"; a later repeat wins, as argparse does.
 */
export function argumentParams(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const flag = /^--?([A-Za-z_][\w.-]*)(?:=(.*))?$/s.exec(arg);
    if (!flag) continue;
    const name = flag[1] as string;
    if (flag[2] !== undefined) {
      out[name] = flag[2];
      continue;
    }
    const next = args[i + 1];
    // A negative number is a value, not the next flag.
    if (next !== undefined && (!next.startsWith('-') || /^-\d/.test(next))) {
      out[name] = next;
      i++;
    } else out[name] = 'true';
  }
  return out;
}
