"""`from azureml.core.compute.compute import ComputeTarget, ComputeTargetProvisioningConfiguration`."""

from benchtop._compute import ComputeTarget, ComputeTargetProvisioningConfiguration

__all__ = ["ComputeTarget", "ComputeTargetProvisioningConfiguration"]
