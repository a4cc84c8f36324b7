"""`from azureml.core.compute.computeinstance import ComputeInstance`."""

from benchtop._compute import ComputeInstance, ComputeInstanceProvisioningConfiguration

__all__ = ["ComputeInstance", "ComputeInstanceProvisioningConfiguration"]
