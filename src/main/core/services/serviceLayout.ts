import fs from 'node:fs';
import path from 'node:path';
import type { ModelService } from '../models/modelService';

/**
 * What a service runs from, under `services/<name>/`: `app/` (the entry
 * script and its source folder, copied so later edits do not leak in until a
 * reload), `azureml-models/<model>/<version>/<registered name>` and the log.
 */
export class ServiceLayout {
  constructor(readonly dir: string) {}

  get app(): string {
    return path.join(this.dir, 'app');
  }
  get models(): string {
    return path.join(this.dir, 'azureml-models');
  }
  get log(): string {
    return path.join(this.dir, 'service.log');
  }
  get status(): string {
    return path.join(this.dir, 'status.json');
  }

  /**
   * Copies the source folder (or just the entry script) into `into` (app/ by default), replacing what was there;
   * returns the script's path in app/. As Azure's LocalWebservice, the folder keeps its name: app/<folder name>/,
   * and the server runs in app/, so a score.py that opens './<folder name>/extradata.json' finds it.
   */
  copyApp(entryScript: string, sourceDirectory: string | null, into = this.app): string {
    fs.rmSync(into, { recursive: true, force: true });
    fs.mkdirSync(into, { recursive: true });
    if (sourceDirectory) {
      fs.cpSync(sourceDirectory, path.join(into, sourceFolderName(sourceDirectory)), {
        recursive: true,
        filter: (src) => !/(^|[\\/])(\.git|__pycache__|\.venv|node_modules)$/.test(src),
      });
      return this.appScript(entryScript, sourceDirectory);
    }
    fs.copyFileSync(entryScript, path.join(into, path.basename(entryScript)));
    return this.appScript(entryScript, null);
  }

  /** Where the entry script is in app/: app/<source folder name>/<its path in the folder>, or app/<script>. */
  appScript(entryScript: string, sourceDirectory: string | null): string {
    return sourceDirectory
      ? path.join(this.appSource(sourceDirectory), path.relative(sourceDirectory, entryScript))
      : path.join(this.app, path.basename(entryScript));
  }

  /** The source folder's copy in app/ (put on sys.path, as Azure's AZUREML_SOURCE_DIRECTORY). */
  appSource(sourceDirectory: string): string {
    return path.join(this.app, sourceFolderName(sourceDirectory));
  }

  /**
   * Reload: the new copy goes to app.next and is swapped in; `undo` puts the
   * previous copy back (the running workers keep serving it), `commit` drops it.
   */
  stageApp(entryScript: string, sourceDirectory: string | null): { commit(): void; undo(): void } {
    const next = `${this.app}.next`;
    const previous = `${this.app}.prev`;
    this.copyApp(entryScript, sourceDirectory, next);
    fs.rmSync(previous, { recursive: true, force: true });
    fs.renameSync(this.app, previous);
    fs.renameSync(next, this.app);
    return {
      commit: () => fs.rmSync(previous, { recursive: true, force: true }),
      undo: () => {
        fs.rmSync(this.app, { recursive: true, force: true });
        fs.renameSync(previous, this.app);
      },
    };
  }

  /**
   * Lays the models out as Azure does. Files are hard links to the registry's
   * read-only blobs (instant, no extra space); a copy where linking fails.
   * Returns AZUREML_MODEL_DIR: the version folder for one model, the root for several.
   */
  linkModels(models: ModelService, refs: { name: string; version: number }[]): string {
    fs.rmSync(this.models, { recursive: true, force: true });
    for (const ref of refs) {
      const versionDir = path.join(this.models, ref.name, String(ref.version));
      for (const file of models.store.files(ref.name, ref.version)) {
        const target = path.join(versionDir, ...file.path.split('/'));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const blob = models.blobs.blobPath(file.digest);
        try {
          fs.linkSync(blob, target);
        } catch {
          fs.copyFileSync(blob, target);
        }
      }
    }
    const only = refs.length === 1 ? refs[0] : undefined;
    return only ? path.join(this.models, only.name, String(only.version)) : this.models;
  }

  /** The last lines of the log (a failed start shows its traceback from here). */
  tail(lines = 40): string {
    try {
      const text = fs.readFileSync(this.log, 'utf8');
      return text
        .split('\n')
        .slice(-lines - 1)
        .join('\n')
        .trim();
    } catch {
      return '';
    }
  }
}

/** The name the source folder keeps in app/ (its base name; "source" for a drive or file-system root). */
function sourceFolderName(sourceDirectory: string): string {
  return path.basename(path.resolve(sourceDirectory)) || 'source';
}
