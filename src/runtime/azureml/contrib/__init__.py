"""azureml.contrib: only what scoring scripts import (services.aml_request / aml_response)."""
