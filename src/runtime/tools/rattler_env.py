"""Solves and installs a conda environment with py-rattler (conda's solver and installer, no conda binary).

Runs in Benchtop's rattler tool environment. Two commands:
  create REQUEST.json   REQUEST = {"channels": [...], "specs": [...], "prefix": DIR, "cacheDir": DIR,
                        "result": FILE}; solves, installs into prefix, writes to FILE
                        {"records": [{name, version, build, url, sha256, md5, channel, subdir}],
                         "timings": {"solveMs", "installMs"}}
                        or {"error": {"kind": "solve" | "channel" | "install", "message": ...}} (exit 3).
  index CHANNEL_DIR     writes repodata.json for every subdir of a folder of conda packages.
Progress goes to stdout as `benchtop-progress FRACTION TEXT` lines, which Benchtop turns into job progress.
"""

import asyncio
import json
import os
import sys
import time

import rattler
from rattler.index import index_fs


def _progress(fraction, text):
    print(f"benchtop-progress {fraction:.2f} {text}", flush=True)


class _Reporter(rattler.InstallerReporter):
    """Prints one progress line per linked package (the installer's own bar needs a terminal)."""

    def __init__(self, names):
        self._names = names
        self._total = max(len(names), 1)
        self._linked = 0

    def on_transaction_start(self, total_operations):
        self._total = max(total_operations, 1)

    def on_download_start(self, cache_entry):
        return cache_entry

    def on_link_start(self, operation, package_name):
        return operation

    def on_link_complete(self, index):
        self._linked += 1
        name = self._names[index] if index < len(self._names) else f"#{index}"
        _progress(0.5 + 0.4 * self._linked / self._total, f"Linked {name} ({self._linked}/{self._total})")


def _record_json(record):
    return {
        "name": record.name.normalized,
        "version": str(record.version),
        "build": str(record.build),
        "url": record.url,
        "sha256": record.sha256.hex() if record.sha256 else None,
        "md5": record.md5.hex() if record.md5 else None,
        "channel": str(record.channel) if record.channel else None,
        "subdir": str(record.subdir),
    }


def _write(path, payload):
    # Atomic: Benchtop reads the file after the process exits; a half-written one never appears.
    temp = f"{path}.tmp"
    with open(temp, "w", encoding="utf-8") as handle:
        json.dump(payload, handle)
    os.replace(temp, path)


async def _solve(request):
    channels = [rattler.Channel(c) for c in request["channels"]]
    platform = str(rattler.Platform.current())
    virtual = rattler.VirtualPackage.detect()
    _progress(0.1, f"Solving {len(request['specs'])} spec(s) for {platform} from {', '.join(request['channels'])}")
    return await rattler.solve(
        sources=channels, specs=request["specs"], platforms=[platform, "noarch"], virtual_packages=virtual
    )


async def _create(request):
    started = time.perf_counter()
    try:
        records = await _solve(request)
    except Exception as err:  # py-rattler raises its own exception classes per failure kind
        kind = "solve" if type(err).__name__ == "SolverError" else "channel"
        return {"error": {"kind": kind, "message": str(err)}}
    solved = time.perf_counter()
    names = [f"{r.name.normalized} {r.version}" for r in records]
    _progress(0.4, f"Solved: {len(records)} package(s): {', '.join(names)}")
    try:
        await rattler.install(
            records,
            target_prefix=request["prefix"],
            cache_dir=request["cacheDir"],
            show_progress=False,
            reporter=_Reporter(names),
        )
    except Exception as err:
        return {"error": {"kind": "install", "message": str(err)}}
    _progress(0.92, "Installed")
    timings = {"solveMs": round((solved - started) * 1000), "installMs": round((time.perf_counter() - solved) * 1000)}
    return {"records": [_record_json(r) for r in records], "timings": timings}


def main():
    command, argument = sys.argv[1], sys.argv[2]
    if command == "index":
        asyncio.run(index_fs(argument, write_shards=False))
        print(f"Indexed {argument}")
        return 0
    with open(argument, encoding="utf-8") as handle:
        request = json.load(handle)
    result = asyncio.run(_create(request))
    _write(request["result"], result)
    if "error" in result:
        print(result["error"]["message"], flush=True)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
