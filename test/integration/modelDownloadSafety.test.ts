import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core/core';
import { folderTree } from '../helpers/folderTree';
import { runCli, tempDir } from '../helpers/workspace';

// `--exist-ok` / existOk / the UI's Replace overwrite the model's own files only, as Azure's
// Model.download(exist_ok=True) does: every other file in the folder stays.

let workspace: string;
let core: Core;
beforeAll(() => {
  workspace = tempDir('bt-dl-safety-');
  core = openCore(workspace);
});
afterAll(() => core?.close());

const cli = (args: string[]) => runCli(args, { workspace });

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe('model download into a folder that already has files', () => {
  it("CLI --exist-ok overwrites the folder model's files and keeps notes.txt and the rest", async () => {
    const source = path.join(tempDir('bt-dl-src-'), 'clf');
    write(path.join(source, 'config.json'), '{"depth": 3}');
    write(path.join(source, 'weights', 'w.bin'), 'weights-v1');
    expect((await cli(['model', 'register', '-n', 'clf', '-p', source])).code).toBe(0);

    const target = tempDir('bt-dl-target-');
    write(path.join(target, 'clf', 'notes.txt'), 'my notes');
    write(path.join(target, 'clf', 'config.json'), 'edited by hand');
    write(path.join(target, 'clf', 'mine', 'keep.txt'), 'keep me');
    write(path.join(target, 'beside.txt'), 'beside');

    const refused = await cli(['model', 'download', 'clf', '-d', target]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`File already exists: ${path.join(target, 'clf', 'config.json')}.`);
    expect(refused.stderr).toContain("hint: Pass --exist-ok to overwrite the model's own files");
    expect(fs.readFileSync(path.join(target, 'clf', 'config.json'), 'utf8')).toBe('edited by hand');

    const replaced = await cli(['model', 'download', 'clf', '-d', target, '--exist-ok']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(folderTree(target)).toEqual({
      'beside.txt': 'beside',
      'clf/config.json': '{"depth": 3}',
      'clf/mine/keep.txt': 'keep me',
      'clf/notes.txt': 'my notes',
      'clf/weights/w.bin': 'weights-v1',
    });
  });

  it('models.download with existOk replaces the file model in one rename: a link there is replaced, not written through', async () => {
    const source = path.join(tempDir('bt-dl-src-'), 'model.joblib');
    write(source, 'model-bytes');
    await core.models.register({ name: 'iris-safe', path: source });

    const target = tempDir('bt-dl-target-');
    const elsewhere = path.join(tempDir('bt-dl-elsewhere-'), 'victim.txt');
    write(elsewhere, 'not the model');
    write(path.join(target, 'notes.txt'), 'my notes');
    fs.symlinkSync(elsewhere, path.join(target, 'model.joblib'));

    await expect(core.models.download({ name: 'iris-safe', directory: target })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    const result = await core.models.download({ name: 'iris-safe', directory: target, existOk: true });
    expect(result.path).toBe(path.join(target, 'model.joblib'));
    expect(folderTree(target)).toEqual({ 'model.joblib': 'model-bytes', 'notes.txt': 'my notes' });
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe('not the model');
  });

  it('never replaces a folder with a model file (or a file with a model folder), even with existOk', async () => {
    const target = tempDir('bt-dl-target-');
    write(path.join(target, 'model.joblib', 'inside.txt'), 'a folder of mine');
    await expect(core.models.download({ name: 'iris-safe', directory: target, existOk: true })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: `${path.join(target, 'model.joblib')} is a folder, where iris-safe:1 has a file. Nothing was written.`,
    });
    write(path.join(target, 'clf'), 'a file named like the folder model');
    await expect(core.models.download({ name: 'clf', directory: target, existOk: true })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: `${path.join(target, 'clf')} is a file, where clf:1 has a folder. Nothing was written.`,
    });
    expect(folderTree(target)).toEqual({
      clf: 'a file named like the folder model',
      'model.joblib/inside.txt': 'a folder of mine',
    });
  });

  it('a damaged store fails the download and leaves the folder as it was: no half-written files, no new folders', async () => {
    const source = path.join(tempDir('bt-dl-src-'), 'pair');
    write(path.join(source, 'a', 'first.bin'), 'first');
    write(path.join(source, 'b', 'second.bin'), 'second');
    await core.models.register({ name: 'pair', path: source });
    const damaged = core.models.get('pair').files.find((f) => f.path === 'pair/b/second.bin');
    const blob = core.models.blobs.blobPath(damaged?.digest as string);
    fs.chmodSync(blob, 0o644);
    fs.writeFileSync(blob, 'SECOND');

    const target = tempDir('bt-dl-target-');
    write(path.join(target, 'pair', 'a', 'first.bin'), 'old first');
    write(path.join(target, 'pair', 'notes.txt'), 'my notes');
    await expect(core.models.download({ name: 'pair', directory: target, existOk: true })).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
    });
    expect(folderTree(target)).toEqual({ 'pair/a/first.bin': 'old first', 'pair/notes.txt': 'my notes' });
  });
});
