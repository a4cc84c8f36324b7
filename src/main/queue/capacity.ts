import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../../shared/api/types';
import { writeFileAtomic } from '../core/workspace/files';

export interface Gpu {
  index: number;
  name: string;
  memoryMb: number | null;
}

/**
 * The GPUs `nvidia-smi` lists (the first one on PATH). None, a failure or a timeout reads as no GPUs: a machine
 * without the NVIDIA driver is an ordinary CPU machine.
 */
export function detectGpus(env: NodeJS.ProcessEnv = process.env): Gpu[] {
  let out: string;
  try {
    out = execFileSync('nvidia-smi', ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
      env,
    });
  } catch {
    return [];
  }
  return parseGpuCsv(out);
}

/** nvidia-smi's CSV lines ("0, NVIDIA H200, 143771"); lines that do not parse are left out. */
export function parseGpuCsv(text: string): Gpu[] {
  const gpus: Gpu[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [index, name, memory] = line.split(',').map((f) => f.trim());
    if (!index || !/^\d+$/.test(index)) continue;
    const memoryMb = Number.parseInt(memory ?? '', 10);
    gpus.push({ index: Number(index), name: name || 'GPU', memoryMb: Number.isFinite(memoryMb) ? memoryMb : null });
  }
  return gpus;
}

/** The queue's CPU slots: Settings.queueCpus, else this machine's cores. */
export function cpuSlots(settings: Pick<Settings, 'queueCpus'>): number {
  return settings.queueCpus ?? os.availableParallelism();
}

/** What the queue owner detected, written for submits (which check a request fits) and `benchtop queue`. */
export interface DetectedCapacity {
  gpus: Gpu[];
  detectedAt: string;
  ownerPid: number;
}

export function capacityFile(root: string): string {
  return path.join(root, 'queue', 'capacity.json');
}

export function writeDetectedCapacity(root: string, gpus: Gpu[]): void {
  const record: DetectedCapacity = { gpus, detectedAt: new Date().toISOString(), ownerPid: process.pid };
  writeFileAtomic(capacityFile(root), JSON.stringify(record, null, 2), false);
}

/** The owner's record when it is there and readable (the owner re-detects each minute); else null. */
export function readDetectedCapacity(root: string): DetectedCapacity | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(capacityFile(root), 'utf8')) as DetectedCapacity;
    return Array.isArray(parsed.gpus) ? parsed : null;
  } catch {
    return null;
  }
}
