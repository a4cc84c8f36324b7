"""azureml.contrib: only what scoring scripts import (services.aml_request / aml_response).

Beside Azure's azureml-contrib-* packages, __path__ lists their folders after this one (as
azureml/__init__.py does), so their other modules import.
"""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)
