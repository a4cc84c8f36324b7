import { runCli } from './program';

runCli(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0 || !process.env.BENCHTOP_SERVING) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
