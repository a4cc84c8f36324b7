import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { python } from './workspace';

export interface CondaPackageSpec {
  name: string;
  version: string;
  depends?: string[];
  /** A shell script installed as bin/<name> (the package's program). */
  script?: string;
}

/**
 * Real conda packages (the .tar.bz2 format: info/index.json, info/paths.json, info/files and the payload),
 * noarch: generic, written with Python's tarfile into CHANNEL/noarch; the channel is indexed afterwards by
 * the code under test (py-rattler's indexer), not here.
 */
export function makeCondaPackages(channel: string, packages: CondaPackageSpec[]): string[] {
  const dir = path.join(channel, 'noarch');
  fs.mkdirSync(dir, { recursive: true });
  const script = `
import hashlib, io, json, sys, tarfile
out_dir, specs = sys.argv[1], json.loads(sys.argv[2])
for spec in specs:
    name, version = spec["name"], spec["version"]
    payload = {}
    if spec.get("script"):
        payload[f"bin/{name}"] = (spec["script"].encode(), 0o755)
    paths = [{"_path": p, "path_type": "hardlink", "sha256": hashlib.sha256(d).hexdigest(), "size_in_bytes": len(d)}
             for p, (d, _) in payload.items()]
    index = {"name": name, "version": version, "build": "0", "build_number": 0, "depends": spec.get("depends", []),
             "noarch": "generic", "subdir": "noarch", "timestamp": 1700000000000, "license": "MIT"}
    meta = {"info/index.json": json.dumps(index), "info/paths.json": json.dumps({"paths": paths, "paths_version": 1}),
            "info/files": "\\n".join(payload)}
    members = {**payload, **{k: (v.encode(), 0o644) for k, v in meta.items()}}
    target = f"{out_dir}/{name}-{version}-0.tar.bz2"
    with tarfile.open(target, "w:bz2") as tar:
        for member, (data, mode) in members.items():
            info = tarfile.TarInfo(member)
            info.size, info.mode, info.mtime = len(data), mode, 0
            tar.addfile(info, io.BytesIO(data))
    print(target)
`;
  return execFileSync(python(), ['-c', script, dir, JSON.stringify(packages)], { encoding: 'utf8' })
    .trim()
    .split('\n');
}
