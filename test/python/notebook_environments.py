"""Notebook-style driver: environments as Azure ML v1's how-to pages and notebooks use them.

Run by test/integration/sdkNotebook.test.ts in a plain venv with the package installed by
`benchtop sdk install`. Argument: a scratch folder. Environment: BENCHTOP_TEST_WS (the workspace,
offline mode on: builds install only from its wheels), BENCHTOP_TEST_PIP_WHEEL (the pip wheel
that ships with Python, to pin pip with). Each check prints "OK <what>"; any failure raises.
"""

import contextlib
import io
import json
import logging
import os
import sys
import zipfile

scratch = os.path.abspath(sys.argv[1])
WS = os.environ.pop("BENCHTOP_TEST_WS")
PIP_WHEEL = os.environ.pop("BENCHTOP_TEST_PIP_WHEEL")
os.environ.pop("BENCHTOP_WORKSPACE", None)
os.makedirs(scratch, exist_ok=True)
with open(os.path.join(scratch, "config.json"), "w") as f:
    json.dump({"benchtop_workspace": WS, "workspace_name": "nb"}, f)
os.chdir(scratch)

from azureml.core import Environment, Workspace  # noqa: E402
from azureml.core.conda_dependencies import CondaDependencies  # noqa: E402
from azureml.core.environment import DEFAULT_CPU_IMAGE, ImageBuildDetails  # noqa: E402
from azureml.exceptions import AzureMLException, UserErrorException  # noqa: E402

warnings = io.StringIO()
logging.getLogger("azureml").addHandler(logging.StreamHandler(warnings))


def ok(what):
    print("OK", what, flush=True)


def raises(kind, fn, *contains):
    try:
        fn()
    except kind as err:
        text = getattr(err, "message", None) or str(err)
        for part in contains:
            assert part in text, "%r not in %r" % (part, text)
        return err
    raise AssertionError("%s was not raised" % kind.__name__)


ws = Workspace.from_config()

# --- Environment.list and the curated names of v1 samples ------------------------------------------
envs = Environment.list(workspace=ws)
assert isinstance(envs, dict)
for name in ("AzureML-Minimal", "AzureML-Tutorial", "AzureML-sklearn-1.0-ubuntu20.04-py38-cpu", "Benchtop-Minimal"):
    assert isinstance(envs[name], Environment) and envs[name].name == name, name
minimal = Environment.get(ws, "AzureML-Minimal")
assert (minimal.name, minimal.version) == ("AzureML-Minimal", "1")
assert list(minimal.python.conda_dependencies.conda_packages) == ["python", "pip"]
assert Environment.get(workspace=ws, name="azureml-minimal").name == "AzureML-Minimal"
sklearn = Environment.get(ws, "azureml-sklearn-1.0-ubuntu20.04-py38-cpu")
assert sklearn.name == "AzureML-sklearn-1.0-ubuntu20.04-py38-cpu"
assert "scikit-learn" in list(sklearn.python.conda_dependencies.conda_packages)
assert "scikit-learn" in list(Environment.get(ws, "AzureML-Tutorial").python.conda_dependencies.conda_packages)
err = raises(UserErrorException, lambda: Environment.get(ws, "AzureML-Nope"), "AzureML-Minimal", "AzureML-Tutorial")
assert "No environment named 'AzureML-Nope'" in err.message
raises(UserErrorException, lambda: Environment.get(ws, "AzureML-Minimal", version="7"), "has no version 7")
raises(UserErrorException, lambda: Environment.get(ws, "AzureML-Minimal", version="1", label="x"), "Only one of")
# Curated environments are read-only and their prefix is reserved; a clone is the way to edit one.
raises(UserErrorException, lambda: minimal.register(ws), "reserved for curated environments")
mine = minimal.clone("my-minimal")
assert mine.version is None
assert mine.register(ws).version == "1"
ok("Environment.list has %d, curated AzureML-* names resolve (any case), unknown names list what exists" % len(envs))

# --- azureml-core's defaults, section by section ------------------------------------------------------
env = Environment("defaults")
assert env.version is None and env.environment_variables == {"EXAMPLE_ENV_VAR": "EXAMPLE_VALUE"}
d = env.docker
assert d.base_image == DEFAULT_CPU_IMAGE == "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1"
assert (d.enabled, d.base_dockerfile, d.build_context, d.shared_volumes, d.shm_size, d.arguments) == (
    False,
    None,
    None,
    True,
    "2g",
    [],
)
assert (d.base_image_registry.address, d.base_image_registry.username, d.base_image_registry.password) == (None,) * 3
assert (d.platform.os, d.platform.architecture) == ("Linux", "amd64")
p = env.python
assert (p.user_managed_dependencies, p.interpreter_path, p.conda_dependencies_file, p._base_conda_environment) == (
    False,
    "python",
    None,
    None,
)
assert (env.spark.repositories, env.spark.packages, env.spark.precache_packages) == ([], [], True)
assert env.databricks.pypi_libraries == [] and env.r is None and env.inferencing_stack_version is None
text = p.conda_dependencies.serialize_to_string()
assert text.startswith("# Conda environment specification.") and "- python=3.8.13" in text, text
assert "- azureml-defaults" in text and "  - anaconda\n  - conda-forge" in text
raises(AttributeError, lambda: setattr(env.docker, "base_imag", "x"), "has no attribute base_imag")
d.base_dockerfile = "FROM scratch\n"
assert d.base_image is None and "mutually exclusive" in warnings.getvalue()
serialized = Environment._serialize_to_dict(Environment("defaults"))
assert list(serialized) == [
    "name",
    "version",
    "environmentVariables",
    "python",
    "docker",
    "spark",
    "databricks",
    "r",
    "inferencingStackVersion",
    "assetId",
], list(serialized)
assert list(serialized["docker"]) == [
    "enabled",
    "baseImage",
    "baseDockerfile",
    "buildContext",
    "sharedVolumes",
    "shmSize",
    "arguments",
    "baseImageRegistry",
    "platform",
]
ok("Environment() has azureml-core's defaults in every section (docker.base_image %s)" % DEFAULT_CPU_IMAGE)

# --- CondaDependencies --------------------------------------------------------------------------------
cd = CondaDependencies.create(pip_packages=["numpy==1.26.0"], conda_packages=["scipy"])
assert cd.get_python_version() == "3.10.18"
assert list(cd.pip_packages) == ["numpy==1.26.0"] and list(cd.conda_packages) == ["python=3.10.18", "scipy"]
cd.add_pip_package("numpy>=2")
assert list(cd.pip_packages) == ["numpy>=2"], "add_pip_package replaces an entry of the same name"
cd.set_pip_option("--extra-index-url https://example.invalid/simple")
assert list(cd.pip_options) == ["--extra-index-url https://example.invalid/simple"]
raises(UserErrorException, lambda: cd.remove_conda_package("python=3.10.18"), "python must not be removed")
raises(UserErrorException, lambda: cd.add_pip_package("--bad"), "Invalid package name --bad")
assert list(CondaDependencies.create().pip_packages) == ["azureml-defaults~=1.61.0"]
raises(
    UserErrorException,
    lambda: CondaDependencies(_underlying_structure={"dependencies": [], "foo": 1}),
    "unknown foo key",
)
no_python = CondaDependencies(_underlying_structure={"name": "x", "dependencies": [{"pip": ["six"]}]})
raises(UserErrorException, lambda: no_python.save(os.path.join(scratch, "x.yml")), "Python package is missing.")
cd.save(os.path.join(scratch, "cd.yml"))
assert list(CondaDependencies(os.path.join(scratch, "cd.yml")).pip_packages) == ["numpy>=2"]
ok("CondaDependencies: create() pins Python %s, azureml-core's add/remove/save rules" % cd.get_python_version())

# --- save_to_directory / load_from_directory round trip --------------------------------------------------
env = Environment("folder-env")
env.python.conda_dependencies = CondaDependencies.create(pip_packages=["six"], python_version="3.11")
env.environment_variables = {"MODE": "test"}
env.docker.base_dockerfile = "FROM python:3.11-slim\nRUN echo hi\n"
folder = os.path.join(scratch, "saved-env")
env.save_to_directory(folder)
assert sorted(os.listdir(folder)) == ["BaseDockerfile", "azureml_environment.json", "conda_dependencies.yml"]
with open(os.path.join(folder, "azureml_environment.json")) as f:
    saved = json.load(f)
assert "condaDependencies" not in saved["python"] and "baseDockerfile" not in saved["docker"]
raises(FileExistsError, lambda: env.save_to_directory(folder))
env.save_to_directory(folder, overwrite=True)
loaded = Environment.load_from_directory(folder)
assert Environment._serialize_to_dict(loaded) == Environment._serialize_to_dict(env)
assert loaded.docker.base_dockerfile == "FROM python:3.11-slim\nRUN echo hi\n"
raises(FileNotFoundError, lambda: Environment.load_from_directory(os.path.join(scratch, "no-such-folder")))
registered = loaded.register(ws)
back = Environment.get(ws, "folder-env")
assert (registered.version, back.version) == ("1", "1")
assert list(back.python.conda_dependencies.pip_packages) == ["six"] and back.environment_variables == {"MODE": "test"}
assert back.docker.base_dockerfile.startswith("FROM python:3.11-slim")
assert loaded.register(ws).version == "1", "the same content registers as the same version"
ok("save_to_directory / load_from_directory round trip, registered and read back as version 1")

# --- factories ----------------------------------------------------------------------------------------------
with open(os.path.join(scratch, "requirements.txt"), "w") as f:
    f.write("# pinned\nsix==1.16.0\n\npackaging\n")
from_req = Environment.from_pip_requirements("from-req", os.path.join(scratch, "requirements.txt"))
assert list(from_req.python.conda_dependencies.pip_packages) == ["six==1.16.0", "packaging"]
assert "pip" in list(from_req.python.conda_dependencies.conda_packages)
with open(os.path.join(scratch, "env.yml"), "w") as f:
    f.write("name: x\nchannels: [conda-forge]\ndependencies:\n  - numpy\n  - pip:\n    - six\n")
from_conda = Environment.from_conda_specification("from-conda", os.path.join(scratch, "env.yml"))
assert from_conda.python.conda_dependencies.get_python_version() == "3.10.18"
assert 'No Python version provided, defaulting to "3.10.18"' in warnings.getvalue()
with open(os.path.join(scratch, "bad.yml"), "w") as f:
    f.write("name: x\ndependencies: []\nfoo: 1\n")
raises(
    UserErrorException,
    lambda: Environment.from_conda_specification("bad", os.path.join(scratch, "bad.yml")),
    "Environment error: unknown foo key in environment specification",
)
from_docker = Environment.from_dockerfile("from-docker", "FROM python:3.11-slim\n")
assert from_docker.python.user_managed_dependencies and from_docker.docker.base_image is None
assert from_docker.docker.base_dockerfile == "FROM python:3.11-slim\n"
raises(
    UserErrorException,
    lambda: Environment.from_dockerfile("x", "FROM a\n", conda_specification="a.yml", pip_requirements="r.txt"),
    "Only one of conda_specification or pip_requirements",
)
out = io.StringIO()
with contextlib.redirect_stdout(out):
    assert Environment.from_existing_conda_environment("x", "no-such-conda-env") is None
assert "conda" in out.getvalue().lower(), out.getvalue()
ok("from_pip_requirements, from_conda_specification, from_dockerfile, from_existing_conda_environment")

# --- add_private_pip_wheel -------------------------------------------------------------------------------------
wheel = os.path.join(scratch, "nbwheel-1.0-py3-none-any.whl")
with zipfile.ZipFile(wheel, "w") as z:
    z.writestr("nbwheel/__init__.py", "VALUE = 'from the private wheel'\n")
    z.writestr("nbwheel-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: nbwheel\nVersion: 1.0\n")
    z.writestr("nbwheel-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    z.writestr("nbwheel-1.0.dist-info/RECORD", "")
reference = Environment.add_private_pip_wheel(workspace=ws, file_path=wheel)
assert reference == "nbwheel==1.0", reference
raises(UserErrorException, lambda: Environment.add_private_pip_wheel(ws, wheel), "already exists", "exist_ok=True")
assert Environment.add_private_pip_wheel(ws, wheel, exist_ok=True) == reference
raises(
    UserErrorException,
    lambda: Environment.add_private_pip_wheel(ws, os.path.join(scratch, "missing.whl")),
    "Please make sure the wheel file exists at:",
)
pip_version = os.path.basename(PIP_WHEEL).split("-")[1]
assert Environment.add_private_pip_wheel(ws, PIP_WHEEL) == "pip==" + pip_version
ok("add_private_pip_wheel returns %s for the pip list" % reference)

# --- env.build(ws).wait_for_completion(show_output=True), offline from the workspace's wheels -----------------------
env = Environment("nb-built")
deps = CondaDependencies.create(pip_packages=[reference])
deps.add_conda_package("pip=" + pip_version)
env.python.conda_dependencies = deps
build = env.build(ws)
assert isinstance(build, ImageBuildDetails)
assert build.wait_for_completion(show_output=True) is build
assert build.status == "Succeeded", build.get_log()
log = build.get_log()
assert "instead of python=3.10.18" in log or "matches python=3.10.18" in log, log
assert "pip=%s -> pip==%s" % (pip_version, pip_version) in log, log
assert build.result["state"] == "completed" and os.path.isdir(build.result["path"])
assert env.version == "1"
ok("env.build(ws).wait_for_completion(show_output=True) built %s:%s" % (env.name, env.version))
# The same definition again is cached; build_local returns the CLI's result.
out = io.StringIO()
with contextlib.redirect_stdout(out):
    result = env.build_local(ws)
assert result["cached"] is True and result["buildKey"] == build.result["buildKey"], result
# A build that cannot succeed: Failed from build(), an exception from build_local().
broken = Environment("nb-broken")
broken.python.conda_dependencies = CondaDependencies.create(pip_packages=["no-such-package-here==9.9"])
out = io.StringIO()
with contextlib.redirect_stdout(out):
    failed = broken.build(ws).wait_for_completion(show_output=True)
assert failed.status == "Failed" and "Image Build Status: Failed" in out.getvalue(), out.getvalue()
assert "no-such-package-here" in out.getvalue()
with contextlib.redirect_stdout(io.StringIO()):
    raises(AzureMLException, lambda: broken.build_local(ws), "Building environment failed", "no-such-package-here")
ok("a failing build: status Failed from build(), AzureMLException from build_local()")
print("PYTHON_PATH", build.result["python"])
