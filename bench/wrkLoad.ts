import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Load {
  rps: number;
  p50: number;
  p99: number;
}

/**
 * wrk -t2 -c16 POSTing a JSON body for `seconds`, keep-alive or with `Connection: close` on every request
 * (a 2 s warm-up first when asked). Any non-2xx response fails the benchmark: a fast error is not a result.
 */
export function wrkPost(options: {
  dir: string;
  url: string;
  body: string;
  close: boolean;
  warmUp: boolean;
  seconds: number;
}): Load {
  const { url, close } = options;
  const lua = path.join(options.dir, `post-${new URL(url).port}-${close ? 'close' : 'keepalive'}.lua`);
  const closeHeader = close ? 'wrk.headers["Connection"] = "close"\n' : '';
  fs.writeFileSync(
    lua,
    `wrk.method = "POST"\nwrk.body = '${options.body}'\nwrk.headers["Content-Type"] = "application/json"\n${closeHeader}`,
  );
  if (options.warmUp) execFileSync('wrk', ['-t2', '-c16', '-d2s', '-s', lua, url], { encoding: 'utf8' });
  const out = execFileSync('wrk', ['-t2', '-c16', `-d${options.seconds}s`, '--latency', '-s', lua, url], {
    encoding: 'utf8',
  });
  const ms = (label: string) => {
    const match = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!match) return Number.NaN;
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (errors) throw new Error(`wrk saw ${errors[1]} failed responses:\n${out}`);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), p50: ms('50%'), p99: ms('99%') };
}
