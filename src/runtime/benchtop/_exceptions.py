"""azureml.exceptions: the exception classes azureml-core raises, with its names, bases and constructors.

Notebook code catches these by name (`except UserErrorException`), so the hierarchy is azureml-core's:
everything derives from AzureMLException, which derives from Exception. WebserviceException lives with
the local web services (benchtop._webservice) and is re-exported by azureml.exceptions.
"""

import json
import sys


class AzureMLException(Exception):
    """The base class of every Azure ML exception (azureml._common.exceptions.AzureMLException)."""

    def __init__(self, exception_message, inner_exception=None, target=None, details=None, **kwargs):
        Exception.__init__(self, exception_message)
        self._exception_message = exception_message
        self._inner_exception = inner_exception
        self._exc_info = sys.exc_info()
        self._target = target
        self._details = details

    @property
    def message(self):
        return self._exception_message

    @message.setter
    def message(self, value):
        self._exception_message = value

    @property
    def inner_exception(self):
        return self._inner_exception

    def _serialize_json(self, indent=None):
        """The ErrorResponse azureml-core prints: the error codes of the class chain, then the message."""
        error = {}
        for cls in type(self).__mro__:
            if cls is AzureMLException:
                break
            code = cls.__dict__.get("_error_code")
            if code is None:
                continue
            error = {"code": code, "inner_error": error} if error and error.get("code") != code else {"code": code}
        error["message"] = self._exception_message
        if self._target is not None:
            error["target"] = self._target
        if self._details is not None:
            error["details"] = self._details
        return json.dumps({"error": error}, indent=indent)

    def __str__(self):
        # The same text azureml-core shows, so a notebook's output reads the same.
        return "%s:\n\tMessage: %s\n\tInnerException %s\n\tErrorResponse \n%s" % (
            type(self).__name__,
            self._exception_message,
            self._inner_exception,
            self._serialize_json(indent=4),
        )

    __repr__ = __str__


class AzureMLAggregatedException(AzureMLException):
    def __init__(self, exceptions_list, **kwargs):
        super(AzureMLAggregatedException, self).__init__("\n".join(str(e) for e in exceptions_list), **kwargs)
        self.exceptions_list = list(exceptions_list)


class UserErrorException(AzureMLException):
    """Bad input from the user: a missing file, a wrong name, an unsupported combination."""

    _error_code = "UserError"


class AuthenticationException(UserErrorException):
    _error_code = "Authentication"


class TrainingException(AzureMLException):
    pass


class ExperimentExecutionException(AzureMLException):
    pass


class ProjectSystemException(AzureMLException):
    pass


class SnapshotException(AzureMLException):
    pass


class RunEnvironmentException(AzureMLException):
    def __init__(self, **kwargs):
        super(RunEnvironmentException, self).__init__(
            "Could not load a submitted run, if outside of an execution context, use experiment.start_logging to "
            "initialize an azureml.core.Run.",
            **kwargs,
        )


class WorkspaceException(AzureMLException):
    def __init__(self, exception_message, found_multiple=False, **kwargs):
        super(WorkspaceException, self).__init__(exception_message, **kwargs)
        self.found_multiple = found_multiple


class ComputeTargetException(AzureMLException):
    pass


class RunConfigurationException(AzureMLException):
    pass


class ModelNotFoundException(AzureMLException):
    def __init__(self, exception_message, logger=None, **kwargs):
        super(ModelNotFoundException, self).__init__(exception_message, **kwargs)


class ModelPathNotFoundException(AzureMLException):
    def __init__(self, exception_message, logger=None, **kwargs):
        super(ModelPathNotFoundException, self).__init__(exception_message, **kwargs)


class DiscoveryUrlNotFoundException(AzureMLException):
    def __init__(self, discovery_key, **kwargs):
        super(DiscoveryUrlNotFoundException, self).__init__(
            "Failed to get the discovery URL for %s." % discovery_key, **kwargs
        )


class ActivityFailedException(AzureMLException):
    def __init__(self, error_details, **kwargs):
        super(ActivityFailedException, self).__init__("Activity Failed:\n%s" % (error_details,), **kwargs)


class ActivityCanceledException(AzureMLException):
    def __init__(self, cancellation_source=None, **kwargs):
        super(ActivityCanceledException, self).__init__("Activity Canceled", **kwargs)
        self.cancellation_source = cancellation_source


class DatasetTimestampMissingError(AzureMLException):
    def __init__(self, error_details, **kwargs):
        super(DatasetTimestampMissingError, self).__init__("Activity Failed:\n%s" % (error_details,), **kwargs)


class ParallelRunException(AzureMLException):
    def __init__(self, exception_message, code=None, delay_seconds=0, **kwargs):
        super(ParallelRunException, self).__init__(exception_message, **kwargs)
        self.code = code
        self.delay_seconds = delay_seconds


class WorkspacePrivateEndpointException(AzureMLException):
    def __init__(self, exception_message, found_multiple=False, **kwargs):
        super(WorkspacePrivateEndpointException, self).__init__(exception_message, **kwargs)
        self.found_multiple = found_multiple


class ServiceException(AzureMLException):
    """azureml._restclient.exceptions.ServiceException: a service call failed (here: the local core)."""
