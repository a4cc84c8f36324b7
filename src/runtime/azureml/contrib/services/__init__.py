"""`from azureml.contrib.services.aml_request import rawhttp, AMLRequest` and aml_response.AMLResponse."""
