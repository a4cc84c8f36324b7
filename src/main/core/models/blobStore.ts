import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from '../builds/buildLock';
import { copyHashed, type CopyOptions } from './hashedCopy';

export interface StagedFile {
  /** The copy in the staging folder; published (renamed) or removed. */
  tmp: string | null;
  digest: string;
  size: number;
  /** Created read-only already (dataset staging does): publishing has no mode to change. */
  readOnly?: boolean;
}

/**
 * Model file contents stored once each, by BLAKE3 digest:
 * `models/blobs/<2 hex>/<digest>`, read-only. New content is copied into
 * `models/tmp` first (named after this process, so a dead process's leftovers
 * can be told apart) and renamed into place inside the database transaction
 * that makes the version visible.
 */
export class BlobStore {
  constructor(private readonly root: string) {}

  get tmpDir(): string {
    return path.join(this.root, 'tmp');
  }

  blobPath(digest: string): string {
    return path.join(this.root, 'blobs', digest.slice(0, 2), digest);
  }

  has(digest: string): boolean {
    return fs.existsSync(this.blobPath(digest));
  }

  /** Copies a file into staging while hashing it. */
  async stage(source: string, options: CopyOptions): Promise<StagedFile> {
    fs.mkdirSync(this.tmpDir, { recursive: true });
    const tmp = path.join(this.tmpDir, `${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      const { digest, size } = await copyHashed(source, tmp, options);
      return { tmp, digest, size };
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }

  /** fdatasync: a registered version must not point at data still only in the page cache. */
  async flush(staged: StagedFile): Promise<void> {
    if (!staged.tmp) return;
    const handle = await fsp.open(staged.tmp, 'r+');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /** Makes a staged file the stored blob for its digest (call inside the publishing transaction). */
  publish(staged: StagedFile): void {
    this.publishAll([staged]);
  }

  /** publish() for many files (a dataset of 10,000): each prefix folder is made once, not once per file. */
  publishAll(staged: StagedFile[]): void {
    const made = new Set<string>();
    for (const file of staged) {
      // Stored meanwhile (another registration of the same bytes): the staged copy is discarded by the caller.
      if (this.has(file.digest)) continue;
      if (!file.tmp) throw new Error(`Content ${file.digest} is neither stored nor staged.`);
      const target = this.blobPath(file.digest);
      const folder = path.dirname(target);
      if (!made.has(folder)) {
        fs.mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      if (!file.readOnly) fs.chmodSync(file.tmp, 0o444);
      fs.renameSync(file.tmp, target);
      file.tmp = null;
    }
  }

  discard(staged: StagedFile): void {
    if (staged.tmp) fs.rmSync(staged.tmp, { force: true });
    staged.tmp = null;
  }

  remove(digest: string): void {
    fs.rmSync(this.blobPath(digest), { force: true });
  }

  /**
   * Deletes every stored blob whose digest is not in `referenced` (model and dataset files alike); returns the
   * bytes freed. Call inside the write transaction, where no registration can publish meanwhile.
   */
  removeUnreferenced(referenced: Set<string>): number {
    let freed = 0;
    for (const digest of this.digests()) {
      if (referenced.has(digest)) continue;
      freed += fs.statSync(this.blobPath(digest)).size;
      this.remove(digest);
    }
    return freed;
  }

  /** Every digest on disk (to find blobs no version refers to). */
  digests(): string[] {
    const blobs = path.join(this.root, 'blobs');
    if (!fs.existsSync(blobs)) return [];
    return fs.readdirSync(blobs).flatMap((prefix) => fs.readdirSync(path.join(blobs, prefix)));
  }

  /** Staging files of processes that died mid-registration. */
  removeAbandonedStaging(): void {
    if (!fs.existsSync(this.tmpDir)) return;
    for (const name of fs.readdirSync(this.tmpDir)) {
      const pid = Number(name.split('-')[0]);
      if (!Number.isInteger(pid) || !processAlive(pid))
        fs.rmSync(path.join(this.tmpDir, name), { force: true, recursive: true });
    }
  }
}
