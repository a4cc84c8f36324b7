"""Benchtop's stand-in for the parts of azureml-core that local scripts and notebooks use.

Beside Azure's own azureml packages (azureml-core, azureml-defaults, azureml-telemetry, ...): this
folder comes first, and __path__ lists theirs after it, as their own azureml/__init__.py does
(pkgutil.extend_path), so `import azureml.data` or `azureml.telemetry` loads theirs while
azureml.core, azureml.exceptions and azureml.train are Benchtop's. _fallback/ comes last: what
Benchtop offers only when Azure's package is absent (azureml.widgets).
"""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)
__path__.append(__import__("os").path.join(__path__[0], "_fallback"))
