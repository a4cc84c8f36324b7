import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Wheel } from '../../../shared/api/types';
import { BenchtopError } from '../../../shared/errors';
import type { Db } from '../workspace/database';
import { nowIso } from '../workspace/files';
import type { WorkspacePaths } from '../workspace/paths';

/** PEP 427: {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl */
const WHEEL_NAME = /^([A-Za-z0-9_.]+)-([A-Za-z0-9_.!+]+)(?:-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$/;

interface WheelRow {
  file: string;
  name: string;
  version: string;
  sha256: string;
  added_at: string;
}

/** Private wheels kept in the workspace; builds install from them, offline too. */
export class WheelService {
  constructor(
    private readonly db: Db,
    private readonly paths: WorkspacePaths,
  ) {}

  add(source: string): Wheel {
    const file = path.basename(source);
    const match = WHEEL_NAME.exec(file);
    if (!match) {
      throw new BenchtopError(
        'BAD_INPUT',
        `"${file}" is not a wheel file name.`,
        'Expected NAME-VERSION-PYTAG-ABITAG-PLATFORM.whl, as `pip wheel` or `python -m build` writes it.',
      );
    }
    if (!fs.existsSync(source) || !fs.statSync(source).isFile()) {
      throw new BenchtopError('NOT_FOUND', `No such file: ${source}`, 'Check the path to the .whl file.');
    }
    const data = fs.readFileSync(source);
    if (data.subarray(0, 4).toString('latin1') !== 'PK\x03\x04') {
      throw new BenchtopError(
        'BAD_INPUT',
        `${file} is not a zip archive, so not a valid wheel.`,
        'Rebuild the wheel with `pip wheel .`.',
      );
    }
    const sha256 = createHash('sha256').update(data).digest('hex');
    fs.mkdirSync(this.paths.wheels, { recursive: true });
    const target = path.join(this.paths.wheels, file);
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
    const name = (match[1] as string).replace(/_/g, '-');
    const row: WheelRow = { file, name, version: match[2] as string, sha256, added_at: nowIso() };
    this.db
      .prepare(
        'INSERT INTO wheels(file, name, version, sha256, added_at) VALUES (@file, @name, @version, @sha256, @added_at) ON CONFLICT(file) DO UPDATE SET sha256 = excluded.sha256, added_at = excluded.added_at',
      )
      .run(row);
    return toWheel(row);
  }

  list(): Wheel[] {
    return (this.db.prepare('SELECT * FROM wheels ORDER BY name, version').all() as WheelRow[]).map(toWheel);
  }
}

function toWheel(row: WheelRow): Wheel {
  return {
    file: row.file,
    name: row.name,
    version: row.version,
    sha256: row.sha256,
    reference: `${row.name}==${row.version}`,
    addedAt: row.added_at,
  };
}
