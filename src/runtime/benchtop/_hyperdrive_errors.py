"""azureml.train.hyperdrive.exceptions and error_strings: HyperDrive's exception classes and texts.

The texts are azureml-train-core 1.60's (HyperDriveErrorStrings), so a notebook that prints or matches
an error sees what Azure would have said. Every class derives from AzureMLException as there.
"""

from ._exceptions import AzureMLException


class HyperDriveErrorStrings:
    """The format strings azureml-train-core raises with (error_strings.py)."""

    HYPERDRIVE_RUN_CREATION_FAILED = (
        "Exception occurred while creating the HyperDrive run: [{err}]. Please try again later."
    )
    HYPERDRIVE_RUN_CANCELLATION_FAILED = "Exception occurred while cancelling HyperDrive run. Please try again later."
    INVALID_COMPUTE_TARGET = "Automated hyperparameter tuning is not supported for types DatabricksCompute and local."
    INVALID_RUN_HOST = "The new run should have the same host as {type}"
    MISSING_CHOICE_VALUES = "Please specify an input for choice."
    INVALID_CONFIG_SETTING = "{obj} expects {condition}"
    UNEXPECTED_TYPE = "Expected type {exp} for {obj} but got {actual}"
    INVALID_KEY_IN_DICT = "Could not find {key} in {dict}"
    REHYDRATE_POLICY_NOT_FOUND = "Unknown policy {policy}."
    NOT_IMPLEMENTED = "{feature} is not implemented for HyperDrive run"
    REHYDRATE_UNKNOWN_SAMPLING = "Failed to rehydrate run due to unknown sampling method."
    DICT_VALIDATION_INVALID_ARGUMENT = "Invalid arguments received for {method} method"
    DISTRIBUTION_VALIDATION_FAILURE = "Failed to validate a parameter distribution due to {err}"


class HyperDriveException(AzureMLException):
    """Base exception related to HyperDrive service."""

    def __init__(self, exception_message, **kwargs):
        super(HyperDriveException, self).__init__(exception_message, **kwargs)


class HyperDriveServiceException(HyperDriveException):
    """A call to the sweep engine (here: Benchtop's core) failed."""


class HyperDriveConfigException(HyperDriveException):
    """Validation errors while creating a HyperDrive run."""

    _error_code = "UserError"


class HyperDriveScenarioNotSupportedException(HyperDriveConfigException):
    """Config values point to a scenario not supported while creating a HyperDrive run."""


class HyperDriveNotImplementedException(HyperDriveScenarioNotSupportedException):
    """Capabilities not implemented for a HyperDrive run."""


class HyperDriveRehydrateException(HyperDriveException):
    """A HyperDrive run could not be rebuilt from what the workspace stored."""


SCRUBBED = "[Scrubbed]"


def invalid_setting(obj, condition, cls=HyperDriveConfigException):
    """Azure's InvalidConfigSetting: "<obj> expects <condition>"."""
    return cls(HyperDriveErrorStrings.INVALID_CONFIG_SETTING.format(obj=obj, condition=condition))


def invalid_type(exp, obj):
    """Azure's InvalidType (the actual value is scrubbed there too)."""
    return HyperDriveConfigException(HyperDriveErrorStrings.UNEXPECTED_TYPE.format(exp=exp, obj=obj, actual=SCRUBBED))


def not_implemented(feature):
    return HyperDriveNotImplementedException(HyperDriveErrorStrings.NOT_IMPLEMENTED.format(feature=feature))
