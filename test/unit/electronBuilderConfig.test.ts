import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// electron-builder.yml as electron-builder itself loads and validates it (its JSON schema), and
// the fuses it will flip in the packaged binary. Packaging itself needs Electron's binary.
const require = createRequire(import.meta.url);
const root = path.resolve(__dirname, '..', '..');

interface Loaded {
  electronFuses?: Record<string, boolean>;
}

async function load(): Promise<{ config: Loaded; validate: (c: unknown) => Promise<void> }> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    getConfig: (dir: string, file: null, override: null) => Promise<Loaded>;
    validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  const config = await getConfig(root, null, null);
  return { config, validate: (c) => validateConfiguration(c, new DebugLogger(false)) };
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema, and a misspelt fuse would not", async () => {
    const { config, validate } = await load();
    await expect(validate(config)).resolves.toBeUndefined();
    await expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNodee: true } })).rejects.toThrow(
      /configuration object that does not match the API schema/,
    );
  });

  it('sets the fuses: no inspect or NODE_OPTIONS, app only from a checked asar, plain file://', async () => {
    const { config } = await load();
    expect(config.electronFuses).toEqual({
      runAsNode: true, // the detached run supervisors are the Electron binary with ELECTRON_RUN_AS_NODE
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
