"""Environment and CondaDependencies as Azure ML v1 scripts build them, registered and built by Benchtop.

env = Environment("my-env")
env.docker.enabled = True
env.docker.base_image = "benchtop/base:bookworm-python"      # or env.docker.base_dockerfile = "FROM ..."
env.python.conda_dependencies = CondaDependencies.create(python_version="3.11", pip_packages=["joblib"])
env.register(workspace=ws)
env.build_local(ws, useDocker=True)                          # an image, built by the local engine
"""

import json
import os
import shutil
import tempfile

from . import _cli


class CondaDependencies:
    """The conda specification (conda_dependencies.yml): python, conda packages, a pip list, channels."""

    def __init__(self, conda_dependencies_file_path=None, _underlying_structure=None):
        self._spec = {"name": "project_environment", "channels": ["anaconda", "conda-forge"], "dependencies": []}
        # A file is passed to Benchtop as it is (it parses the YAML); editing it here needs PyYAML.
        self._file = os.path.abspath(conda_dependencies_file_path) if conda_dependencies_file_path else None
        if _underlying_structure:
            self._spec = _underlying_structure

    def _loaded(self):
        if self._file:
            import yaml  # only to edit a conda file from Python

            with open(self._file) as f:
                self._spec = yaml.safe_load(f)
            self._file = None
        return self._spec

    def _write(self, path):
        """conda_dependencies.yml: the original file, or the specification as JSON (which YAML reads)."""
        if self._file:
            shutil.copyfile(self._file, path)
        else:
            with open(path, "w") as f:
                json.dump(self._spec, f, indent=2)

    @staticmethod
    def create(pip_packages=None, conda_packages=None, python_version=None, pin_sdk_version=True, pip_indexurl=None):
        deps = CondaDependencies()
        deps._spec["dependencies"].append("python=%s" % python_version if python_version else "python")
        for package in conda_packages or []:
            deps.add_conda_package(package)
        for package in pip_packages or []:
            deps.add_pip_package(package)
        return deps

    def _pip(self):
        for dep in self._loaded()["dependencies"]:
            if isinstance(dep, dict) and "pip" in dep:
                return dep["pip"]
        section = {"pip": []}
        self._loaded()["dependencies"].append(section)
        return section["pip"]

    def add_pip_package(self, pip_package):
        pip = self._pip()
        if pip_package not in pip:
            pip.append(pip_package)

    def add_conda_package(self, conda_package):
        deps = self._loaded()["dependencies"]
        if conda_package not in deps:
            at = next((i for i, d in enumerate(deps) if isinstance(d, dict)), len(deps))
            deps.insert(at, conda_package)

    def add_channel(self, channel):
        channels = self._loaded().setdefault("channels", [])
        if channel not in channels:
            channels.append(channel)

    def set_python_version(self, version):
        deps = self._loaded()["dependencies"]
        self._spec["dependencies"] = ["python=%s" % version] + [
            d for d in deps if not (isinstance(d, str) and d.split("=")[0].strip() == "python")
        ]

    @property
    def pip_packages(self):
        return list(self._pip())

    @property
    def conda_packages(self):
        return [d for d in self._loaded()["dependencies"] if isinstance(d, str)]


class DockerSection:
    def __init__(self):
        self.enabled = False
        self.base_image = None
        self.base_dockerfile = None
        self.shm_size = "2g"
        self.arguments = []


class PythonSection:
    def __init__(self):
        self.user_managed_dependencies = False
        self.interpreter_path = "python"
        self.conda_dependencies = CondaDependencies.create()


class Environment:
    """A definition to register (and build), or a registered environment by name and version."""

    def __init__(self, name, version=None, conda_file=None):
        self.name = name
        self.version = version
        self.environment_variables = {}
        self.docker = DockerSection()
        self.python = PythonSection()
        if conda_file:
            self.python.conda_dependencies = CondaDependencies(conda_file)

    def __repr__(self):
        return "Environment(name=%r, version=%r)" % (self.name, self.version)

    @staticmethod
    def get(workspace, name, version=None, label=None):
        data = _cli.call(["env", "show", "-n", name] + (["-v", str(version)] if version else []))
        env = Environment(data["name"], data["version"])
        definition = data.get("definition") or {}
        env.environment_variables = dict(definition.get("environmentVariables") or {})
        docker, python = definition.get("docker") or {}, definition.get("python") or {}
        env.docker.enabled = bool(docker.get("enabled"))
        env.docker.base_image = docker.get("baseImage")
        env.docker.base_dockerfile = docker.get("baseDockerfile")
        env.docker.arguments = list(docker.get("arguments") or [])
        env.python.user_managed_dependencies = bool(python.get("userManagedDependencies"))
        env.python.interpreter_path = python.get("interpreterPath") or "python"
        if python.get("condaDependencies"):
            env.python.conda_dependencies = CondaDependencies(_underlying_structure=python["condaDependencies"])
        return env

    @staticmethod
    def from_conda_specification(name, file_path):
        return Environment(name, conda_file=os.path.abspath(file_path))

    @staticmethod
    def from_pip_requirements(name, file_path):
        with open(file_path) as f:
            packages = [line.strip() for line in f if line.strip() and not line.startswith("#")]
        env = Environment(name)
        env.python.conda_dependencies = CondaDependencies.create(pip_packages=packages)
        return env

    def _definition(self):
        return {
            "name": self.name,
            "version": None,
            "environmentVariables": dict(self.environment_variables),
            "python": {
                "userManagedDependencies": bool(self.python.user_managed_dependencies),
                "interpreterPath": self.python.interpreter_path,
            },
            "docker": {
                "enabled": bool(self.docker.enabled),
                "baseImage": None if self.docker.base_dockerfile else self.docker.base_image,
                "baseDockerfile": self.docker.base_dockerfile,
                "shmSize": self.docker.shm_size,
                "arguments": list(self.docker.arguments),
            },
        }

    def register(self, workspace=None):
        """Registers this definition as the next version (the same content returns the same version)."""
        folder = tempfile.mkdtemp(prefix="benchtop-env-")
        try:
            with open(os.path.join(folder, "azureml_environment.json"), "w") as f:
                json.dump(self._definition(), f, indent=2)
            if not self.python.user_managed_dependencies:
                self.python.conda_dependencies._write(os.path.join(folder, "conda_dependencies.yml"))
            data = _cli.call(["env", "register", "-d", folder])
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        self.version = data["version"]
        return self

    def build_local(self, workspace=None, platform=None, useDocker=None, pushImageToWorkspaceAcr=False, **kwargs):
        """Builds it on this machine, printing the build log: an image when useDocker (or docker.enabled)."""
        if self.version is None:
            self.register(workspace)
        docker = self.docker.enabled if useDocker is None else bool(useDocker)
        args = ["env", "build", "-n", self.name, "-v", str(self.version)] + (["--backend", "docker"] if docker else [])
        print(_cli.text(args), end="")
        data = _cli.call(args)
        if data.get("state") != "completed":
            raise _cli.BenchtopCliError("The build of %s:%s ended %s." % (self.name, self.version, data.get("state")))
        return data
