// A 100,000-point metric chart renders in at most 1 s: time from clicking the Metrics tab
// to the drawn chart, in Debian's Chromium against `benchtop serve` (median of 5).
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openCore } from '../src/main/core/core';
import { benchDir, median, report } from './harness';

const CLI = path.resolve(__dirname, '..', 'bin', 'benchtop.js');
const POINTS = 100_000;

async function main() {
  const workspace = benchDir('chart');
  const core = openCore(workspace);
  const id = 'chart_1_bench';
  const t = new Date().toISOString();
  core.db
    .prepare(
      `INSERT INTO runs(id, experiment, status, script, arguments, environment, target, source_dir, created_at, started_at, ended_at, exit_code) VALUES (?, 'chart', 'Completed', 'train.py', '[]', 'Benchtop-Minimal:1', 'local', '/src', ?, ?, ?, 0)`,
    )
    .run(id, t, t, t);
  const runDir = core.paths.runDir(id);
  fs.mkdirSync(runDir, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < POINTS; i++)
    lines.push(
      JSON.stringify({
        type: 'scalar',
        name: 'loss',
        value: Math.exp(-i / 20000) + Math.sin(i / 50) * 0.01,
        step: i,
        t: 1_700_000_000 + i / 1000,
      }),
    );
  fs.writeFileSync(path.join(runDir, 'events.jsonl'), `${lines.join('\n')}\n`);
  core.close();

  const server = spawn(process.execPath, [CLI, 'serve', '--no-open', '--port', '0', '--workspace', workspace], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve) => {
    let out = '';
    server.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Benchtop UI: (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
  });
  const browser = await chromium.launch({
    executablePath: process.env.BENCHTOP_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]');
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await page.getByRole('button', { name: id }).click();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    await page.getByRole('tab', { name: 'Overview' }).click();
    const start = Date.now();
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await page.locator(`figure.chart[data-points="${POINTS}"] polyline`).waitFor();
    times.push(Date.now() - start);
  }
  report({ bench: 'chart-100k-points', points: POINTS, runs: 5, medianMs: median(times), targetMs: 1000, times });
  await browser.close();
  server.kill();
}

void main();
