import { runCli } from './program';

runCli(process.argv.slice(2)).then(
  (code) => {
    // Not process.exit(): `serve` keeps running after its action returns.
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
