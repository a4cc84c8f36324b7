import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { BenchtopError } from '../../../shared/errors';
import { writeFileAtomic } from '../../core/workspace/files';
import { printJson } from '../output';
import type { Action } from '../program';

/** The key of config.json that names a Benchtop workspace folder (read by Workspace.from_config). */
export const LOCAL_CONFIG_KEY = 'benchtop_workspace';

export function registerWorkspaceCommands(program: Command, action: Action): void {
  const workspace = program.command('workspace').description('The workspace folder, and config.json for Python');
  workspace
    .command('config')
    .description('Write DIR/config.json naming this workspace: Workspace.from_config() in DIR or below opens it')
    .requiredOption('-d, --directory <dir>', 'the folder to write config.json in (a project, a notebooks folder)')
    .option('-n, --name <name>', 'the workspace name Python sees (default: the folder name, or the existing one)')
    .action(
      action(async (ctx, opts: { directory: string; name?: string }) => {
        const dir = path.resolve(opts.directory);
        if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
          throw new BenchtopError('NOT_FOUND', `Folder not found: ${dir}`, 'Create it first, or give another -d.');
        const file = path.join(dir, 'config.json');
        let existing: Record<string, unknown> = {};
        if (fs.existsSync(file)) {
          try {
            existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
          } catch {
            throw new BenchtopError(
              'PARSE_ERROR',
              `${file} is there but is not JSON; nothing was written.`,
              'Fix or move that file, then run this again.',
            );
          }
        }
        // Azure's keys stay: one file then serves azureml-core in the cloud and Benchtop here.
        const root = ctx.core.paths.root;
        const name =
          opts.name ??
          (typeof existing.workspace_name === 'string' ? existing.workspace_name : path.basename(root) || 'local');
        const previous = typeof existing[LOCAL_CONFIG_KEY] === 'string' ? (existing[LOCAL_CONFIG_KEY] as string) : null;
        const config = { ...existing, [LOCAL_CONFIG_KEY]: root, workspace_name: name };
        writeFileAtomic(file, `${JSON.stringify(config, null, 4)}\n`);
        if (ctx.json) return printJson({ path: file, workspace: root, name, replaced: previous });
        console.log(`Wrote ${file}: workspace "${name}" at ${root}.`);
        if (previous && path.resolve(dir, previous) !== root) console.log(`  (it named ${previous} before)`);
        if (existing.subscription_id)
          console.log('  Azure keys kept (subscription_id, resource_group, workspace_name).');
        console.log(`Workspace.from_config() in ${dir} or a folder below it opens this workspace.`);
      }),
    );
}
