import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type BundleSummary, ExportBundle, ImportBundle, type ImportOutcome } from '../../../shared/api/bundleTypes';
import { BenchtopError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import type { BuildService } from '../builds/buildService';
import type { EnvironmentService } from '../environments/environmentService';
import type { EventBus } from '../events';
import type { JobContext, JobManager } from '../jobs/jobManager';
import type { ModelService } from '../models/modelService';
import type { RunService } from '../runs/runService';
import type { ServiceManager } from '../services/serviceService';
import type { WheelService } from '../wheels/wheelService';
import { removeAbandoned } from '../workspace/abandoned';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';
import { unpackBundle } from './bundleReader';
import { writeBundle } from './bundleWriter';
import { ExportPlanner } from './exportParts';
import { commitImport, planImport } from './importParts';
import { type Manifest, partDigest, readManifest, summarize } from './manifest';
import { loadImages, saveImages } from './bundleImages';

declare const BENCHTOP_VERSION: string | undefined;

export interface BundleDeps {
  db: Db;
  paths: WorkspacePaths;
  jobs: JobManager;
  bus: EventBus;
  builds: BuildService;
  environments: EnvironmentService;
  wheels: WheelService;
  runs: RunService;
  models: ModelService;
  services: ServiceManager;
}

/** An import's staging folder, under the workspace's tmp/ (same filesystem as runs/, models/, wheels/: renames). */
const STAGING = /^bundle-import-(\d+)-[0-9a-f]+$/;

/** `benchtop export` / `benchtop import FILE.btb`: parts of a workspace carried as one file. */
export class BundleService {
  constructor(private readonly deps: BundleDeps) {
    // What an import killed mid-way left (its process is gone): removed on the next start.
    removeAbandoned(deps.paths.tmp, (entry) => {
      const match = STAGING.exec(entry);
      return match ? Number(match[1]) : null;
    });
  }

  async inspect(file: string): Promise<BundleSummary> {
    const absolute = path.resolve(file);
    const { manifest, bytes } = await readManifest(absolute);
    return summarize(absolute, bytes, manifest);
  }

  async export(raw: unknown): Promise<BundleSummary> {
    const input = ExportBundle.parse(raw);
    const output = path.resolve(input.output);
    if (!output.endsWith('.btb'))
      throw new BenchtopError('BAD_INPUT', `${output} does not end in .btb.`, 'Name the bundle FILE.btb.');
    if (fs.existsSync(output) && !input.overwrite)
      throw new BenchtopError(
        'ALREADY_EXISTS',
        `${output} exists already.`,
        'Choose another name, or pass --overwrite.',
      );
    if (!fs.existsSync(path.dirname(output)))
      throw new BenchtopError('NOT_FOUND', `The folder ${path.dirname(output)} does not exist.`, 'Create it first.');
    // Every part is resolved (and refused: unknown names, a wheel gone) before the job starts writing.
    const planner = new ExportPlanner(this.deps, input.includeImages);
    for (const ref of input.parts) await planner.add(ref);
    let summary: BundleSummary | null = null;
    await this.runJob('Export', output, input.requestId, async (ctx) => {
      const spooled: string[] = [];
      try {
        for (const { index, images } of planner.imageParts) {
          ctx.setProgress(null, `Saving image ${images[0]}`);
          const file = path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}-image-${index}.tar`);
          spooled.push(file);
          const size = await saveImages(this.deps.builds.docker, images, file, ctx.signal);
          planner.parts[index]?.sources.push({ entry: `p${index}/image/images.tar`, path: file, size });
          ctx.output.note(`Saved ${images.join(', ')} (${formatBytes(size)})`);
        }
        const manifest = await writeBundle(output, planner.parts, {
          createdBy: `Benchtop ${typeof BENCHTOP_VERSION === 'string' ? BENCHTOP_VERSION : '0.0.0-dev'}`,
          signal: ctx.signal,
          onBytes: throttled(ctx, 'Writing'),
        });
        summary = summarize(output, fs.statSync(output).size, manifest);
        ctx.output.note(`Wrote ${output}: ${manifest.parts.length} part(s), ${formatBytes(summary.bytes)}`);
      } finally {
        for (const file of spooled) fs.rmSync(file, { force: true });
      }
    });
    return summary as unknown as BundleSummary;
  }

  async import(raw: unknown): Promise<ImportOutcome> {
    const input = ImportBundle.parse(raw);
    const file = path.resolve(input.file);
    // A wrong file, a newer format, a part that cannot come in (a wheel it does not carry): refused before a job
    // starts or anything is written. The plan's model checks use the digests the records claim; the real ones
    // are checked by planning again after the pass has hashed every byte.
    const { manifest: claimed } = await readManifest(file);
    planImport(this.deps, claimed, claimedDigests(claimed));
    let outcome: ImportOutcome | null = null;
    await this.runJob('Import', file, input.requestId, async (ctx) => {
      const early = planImport(this.deps, claimed, claimedDigests(claimed));
      const images = await this.imagesToLoad(claimed);
      const skipped = new Set(
        early.filter((p) => p.action === 'unchanged').flatMap((p) => p.part.files.map((f) => f.entry)),
      );
      for (const image of images) skipped.delete(image);
      fs.mkdirSync(this.deps.paths.tmp, { recursive: true });
      const staging = path.join(this.deps.paths.tmp, `bundle-import-${process.pid}-${randomBytes(4).toString('hex')}`);
      try {
        ctx.output.note(`Checking every checksum of ${file} while unpacking it (hidden until all match)...`);
        const { manifest, blake3 } = await unpackBundle(
          file,
          staging,
          { signal: ctx.signal, onBytes: throttled(ctx, 'Checking and unpacking') },
          (entry) => !skipped.has(entry),
        );
        if (partsDigest(manifest) !== partsDigest(claimed)) throw changedMeanwhile(file);
        const plans = planImport(this.deps, manifest, blake3);
        // A part registered or deleted here meanwhile (by another import): what was left unwritten may be needed.
        if (plans.some((p, i) => p.action !== early[i]?.action))
          throw new BenchtopError(
            'IN_USE',
            `This workspace changed while ${file} was being imported; nothing was registered.`,
            'Import it again.',
          );
        ctx.output.note('All checksums match.');
        const imagesLoaded: string[] = [];
        for (const image of images) {
          ctx.setProgress(null, 'Loading images into the Docker engine');
          ctx.signal.throwIfAborted();
          imagesLoaded.push(...(await loadImages(this.deps.builds.docker, path.join(staging, ...image.split('/')))));
        }
        ctx.signal.throwIfAborted();
        // The point of no return: one transaction makes every part visible at once.
        const parts = commitImport(this.deps, plans, staging);
        outcome = { parts, imagesLoaded };
        for (const part of parts)
          ctx.output.note(
            `${part.kind} ${part.name}${part.version ? `:${part.version}` : ''}: ${part.action} (${part.note})`,
          );
        for (const part of parts)
          if (part.kind === 'model') this.deps.bus.emit('models.changed', { name: part.name });
          else if (part.kind === 'environment') this.deps.bus.emit('environments.changed', { name: part.name });
      } finally {
        fs.rmSync(staging, { recursive: true, force: true });
      }
    });
    return outcome as unknown as ImportOutcome;
  }

  /**
   * The image archives to load: those of environment parts whose images the engine does not all have already
   * (asked before anything is written, so an engine that does not answer refuses the import up front).
   */
  private async imagesToLoad(manifest: Manifest): Promise<string[]> {
    const wanted: string[] = [];
    for (const part of manifest.parts) {
      const archive = part.files.find((f) => f.entry.endsWith('/image/images.tar'));
      if (!archive) continue;
      const tags = ((part.record as { images?: unknown }).images as string[] | undefined) ?? [];
      const present = await Promise.all(tags.map((tag) => this.deps.builds.docker.imageExists(tag)));
      if (!tags.length || present.some((p) => !p)) wanted.push(archive.entry);
    }
    if (wanted.length) await this.deps.builds.docker.client().call((d) => d.ping());
    return wanted;
  }

  private async runJob(
    verb: string,
    file: string,
    requestId: string | undefined,
    work: (ctx: JobContext) => Promise<void>,
  ): Promise<void> {
    const job = this.deps.jobs.start(
      'bundle',
      `${verb} ${path.basename(file)}`,
      { operation: verb.toLowerCase(), file, requestId: requestId ?? '' },
      work,
    );
    const finished = await job.done;
    if (finished.state === 'canceled')
      throw new BenchtopError(
        'CANCELED',
        `The ${verb.toLowerCase()} of ${file} was canceled; nothing was ${verb === 'Export' ? 'written' : 'imported'}.`,
      );
    if (finished.state !== 'completed')
      throw new BenchtopError(
        (finished.error?.code as BenchtopError['code'] | undefined) ?? 'INTERNAL',
        finished.error?.message ?? `The ${verb.toLowerCase()} failed.`,
        finished.error?.hint,
      );
  }
}

/** Each model file's BLAKE3 as its part's record names it (what planning before the pass can go by). */
function claimedDigests(manifest: Manifest): Map<string, string> {
  const digests = new Map<string, string>();
  for (const part of manifest.parts)
    if (part.kind === 'model')
      for (const f of (part.record as { files?: { entry: string; digest: string }[] }).files ?? [])
        digests.set(f.entry, f.digest);
  return digests;
}

/** The manifest read before the job and the one the pass read must be the same (nothing rewrote the file). */
function partsDigest(manifest: Manifest): string {
  return manifest.parts.map(partDigest).join(',');
}

function changedMeanwhile(file: string): BenchtopError {
  return new BenchtopError(
    'CHECKSUM_MISMATCH',
    `${file} changed while it was being imported; nothing was registered.`,
    'Import it again once nothing is writing to it (a copy still in progress?).',
  );
}

/** Progress at most every 100 ms: a 1 GB part gives thousands of chunks. */
function throttled(ctx: JobContext, verb: string): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (now - last < 100 && done < total) return;
    last = now;
    ctx.setProgress(total ? done / total : null, `${verb} ${formatBytes(done)} / ${formatBytes(total)}`);
  };
}
