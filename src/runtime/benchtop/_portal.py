"""The local UI's link to a run: what Azure's "Web View" / get_portal_url() point to.

`benchtop serve` records its URL (with its access token) in the workspace's ui.json while it runs;
a run's link is that URL with #/runs/<run id>, which opens the run's page. Without a UI serving
the workspace there is no URL to give: the text says how to open one.
"""

import json
import os

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover - Python 2
    from urllib import quote


def _alive(pid):
    try:
        os.kill(int(pid), 0)
        return True
    except PermissionError:
        return True
    except (OSError, ValueError, TypeError):
        return False


def ui_url(workspace_path):
    """The URL of a Benchtop UI serving this workspace now, else None."""
    if not workspace_path:
        return None
    try:
        with open(os.path.join(workspace_path, "ui.json")) as f:
            recorded = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict) or not recorded.get("url") or not _alive(recorded.get("pid")):
        return None
    return recorded["url"]


def run_url(workspace_path, run_id):
    url = ui_url(workspace_path)
    if url:
        return "%s#/runs/%s" % (url, quote(run_id, safe=""))
    return "(no Benchtop UI is serving this workspace: run `benchtop%s serve`, then open Runs > %s)" % (
        " --workspace %s" % workspace_path if workspace_path else "",
        run_id,
    )


def experiment_url(workspace_path, name):
    url = ui_url(workspace_path)
    if url:
        return "%s#/runs?experiment=%s" % (url, quote(name, safe=""))
    return "(no Benchtop UI is serving this workspace: run `benchtop serve`, then open Runs, experiment %s)" % name
