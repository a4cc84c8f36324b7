"""config.json: found the way azureml-core finds it, read in its two shapes, written by write_config.

Search (azureml-core's Workspace.from_config): a path that is a file is the config. Otherwise, for
each place in order `.azureml/`, `aml_config/`, the folder itself, and for each name `config.json`
then `project.json`, the start folder and then each parent up to the root is tried; the first file
found wins. So `.azureml/config.json` in a parent folder comes before `./config.json`.

Two shapes:
- Azure's: subscription_id, resource_group, workspace_name (or "Scope", as write_config writes it).
  It names a cloud workspace; Benchtop maps it to the local default workspace and says so once.
- Benchtop's: "benchtop_workspace" names the workspace folder (relative paths are from the config
  file's folder); "workspace_name" is the name code sees. Both keys may sit in one file beside
  Azure's, so one config.json serves Azure and Benchtop.
"""

import json
import os

from ._exceptions import UserErrorException

AZUREML_DIR = ".azureml"
AML_CONFIG_DIR = "aml_config"
CONFIG_FILENAME = "config.json"
LEGACY_PROJECT_FILENAME = "project.json"
LOCAL_KEY = "benchtop_workspace"


def _traverse_up(start, file_name, directory_name=None):
    relative = os.path.join(directory_name, file_name) if directory_name else file_name
    current = os.path.abspath(os.path.expanduser(start))
    while True:
        candidate = os.path.join(current, relative)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.realpath(os.path.join(current, os.path.pardir))
        if parent == current:
            return None
        current = parent


def find_config(path=None, file_name=None):
    """The config file for `path` (a file, or a folder to search from), or None."""
    normalized = os.path.abspath(os.path.expanduser(path if path is not None else "."))
    if os.path.isfile(normalized):
        return normalized
    names = [file_name] if file_name else [CONFIG_FILENAME, LEGACY_PROJECT_FILENAME]
    for directory in (AZUREML_DIR, AML_CONFIG_DIR, None):
        for name in names:
            found = _traverse_up(normalized, name, directory)
            if found:
                return found
    return None


def not_found_error(path):
    """azureml-core's exception, word for word, then how to make a config for Benchtop."""
    normalized = os.path.abspath(os.path.expanduser(path if path is not None else "."))
    return UserErrorException(
        "The workspace configuration file config.json, could not be found in {} or its parent "
        "directories. Please check whether the workspace configuration file exists, or provide "
        "the full path to the configuration file as an argument. You can download a configuration "
        "file for your workspace, via http://ml.azure.com and clicking on the name of your "
        "workspace in the right top.\n"
        "Benchtop: write one naming a local workspace with `benchtop workspace config -d {}` (add "
        "--workspace DIR for another workspace), or ws.write_config() from a Workspace you have.".format(
            normalized, normalized
        )
    )


class ConfigInfo(object):
    """What a config file says: the local folder (if it names one) and the Azure identifiers."""

    def __init__(self, found_path, local_path, subscription_id, resource_group, workspace_name):
        self.found_path = found_path
        self.local_path = local_path
        self.subscription_id = subscription_id
        self.resource_group = resource_group
        self.workspace_name = workspace_name


def read_config(found_path):
    try:
        with open(found_path, "r") as f:
            config = json.load(f)
    except ValueError as err:
        raise UserErrorException("The config file found in: {} is not valid JSON: {}".format(found_path, err))
    if not isinstance(config, dict):
        raise UserErrorException("The config file found in: {} is not a JSON object.".format(found_path))
    local = config.get(LOCAL_KEY)
    subscription_id = config.get("subscription_id")
    resource_group = config.get("resource_group")
    workspace_name = config.get("workspace_name")
    scope = config.get("Scope")
    if scope:
        pieces = scope.split("/")
        if len(pieces) < 9:
            raise UserErrorException("The config file found in: {} has a malformed Scope: {}".format(found_path, scope))
        subscription_id, resource_group, workspace_name = pieces[2], pieces[4], pieces[8]
    if local is not None:
        if not isinstance(local, str) or not local.strip():
            raise UserErrorException(
                'The config file {} has "{}": {!r}; it must be the path of a Benchtop workspace folder.'.format(
                    found_path, LOCAL_KEY, local
                )
            )
        folder = os.path.normpath(os.path.join(os.path.dirname(found_path), os.path.expanduser(local)))
        return ConfigInfo(found_path, folder, subscription_id, resource_group, workspace_name)
    if not (subscription_id and resource_group and workspace_name):
        raise UserErrorException(
            "The config file found in: {} does not seem to contain the required parameters. Please make sure "
            "it contains your subscription_id, resource_group and workspace_name.\n"
            'Benchtop: or name a local workspace folder with "{}" (benchtop workspace config -d DIR writes '
            "one).".format(found_path, LOCAL_KEY)
        )
    return ConfigInfo(found_path, None, subscription_id, resource_group, workspace_name)


def write_config(workspace, path=None, file_name=None):
    """ws.write_config: path/.azureml/config.json (aml_config/ when that folder is there), as azureml-core."""
    base = os.path.abspath(os.path.expanduser(path if path is not None else "."))
    directory = AML_CONFIG_DIR if os.path.exists(os.path.join(base, AML_CONFIG_DIR)) else AZUREML_DIR
    folder = os.path.join(base, directory)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as err:
        raise UserErrorException("Could not write the config file to: {}\n{}".format(folder, err))
    if file_name is None:
        file_name = (
            LEGACY_PROJECT_FILENAME
            if os.path.exists(os.path.join(folder, LEGACY_PROJECT_FILENAME))
            else CONFIG_FILENAME
        )
    elif not os.path.splitext(file_name)[1]:
        file_name += ".json"
    else:
        file_name = os.path.splitext(file_name)[0] + ".json"
    target = os.path.join(folder, file_name)
    content = {
        LOCAL_KEY: workspace._path,
        "workspace_name": workspace.name,
        "subscription_id": workspace.subscription_id,
        "resource_group": workspace.resource_group,
    }
    try:
        with open(target, "w") as f:
            json.dump(content, f, indent=4)
    except OSError as err:
        raise UserErrorException("Could not write the config file to: {}\n{}".format(target, err))
    return target
