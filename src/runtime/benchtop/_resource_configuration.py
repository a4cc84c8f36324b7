"""azureml.core.resource_configuration.ResourceConfiguration: CPU, memory and GPU for a model or service."""


class ResourceConfiguration(object):
    """The resources to give a deployed model (kept with the model; local services do not cap them)."""

    _expected_payload_keys = ["cpu", "memoryInGB", "gpu"]

    def __init__(self, cpu=None, memory_in_gb=None, gpu=None):
        self.cpu = cpu
        self.memory_in_gb = memory_in_gb
        self.gpu = gpu

    def serialize(self):
        return {"cpu": self.cpu, "memoryInGB": self.memory_in_gb, "gpu": self.gpu}

    @staticmethod
    def deserialize(payload_obj):
        from ._webservice import WebserviceException

        if payload_obj is None:
            return None
        for key in ResourceConfiguration._expected_payload_keys:
            if key not in payload_obj:
                raise WebserviceException(
                    "Invalid webservice payload, missing {} for ResourceConfiguration:\n{}".format(key, payload_obj)
                )
        return ResourceConfiguration(payload_obj["cpu"], payload_obj["memoryInGB"], payload_obj["gpu"])

    def _validate_configuration(self):
        from ._webservice import WebserviceException

        error = ""
        if self.cpu and self.cpu <= 0:
            error += "Invalid configuration, cpu must be greater than zero.\n"
        if self.memory_in_gb and self.memory_in_gb <= 0:
            error += "Invalid configuration, memory_in_gb must be greater than zero.\n"
        if self.gpu and not isinstance(self.gpu, int) and self.gpu <= 0:
            error += "Invalid configuration, gpu must be integer and greater than zero.\n"
        if error:
            raise WebserviceException(error)

    def __repr__(self):
        return "ResourceConfiguration(cpu=%r, memory_in_gb=%r, gpu=%r)" % (self.cpu, self.memory_in_gb, self.gpu)
