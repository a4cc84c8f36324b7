"""azureml.exceptions.WebserviceException: what model and web service calls raise.

Its own small module (no CLI, no HTTP) because azureml.exceptions imports it, and a training
script's `from azureml.exceptions import ...` should not pay for the web service code.
"""

from ._exceptions import AzureMLException


class WebserviceException(AzureMLException):
    """A model or web service operation failed: a bad input, a deploy that did not start, a failed score."""

    def __init__(self, exception_message, status_code=None, logger=None, **kwargs):
        super(WebserviceException, self).__init__(exception_message, **kwargs)
        self.status_code = status_code
        # azureml-core logs the message on the logger it is given; code passes module loggers.
        if logger:
            try:
                logger.error(exception_message + "\n")
            except Exception:
                pass
