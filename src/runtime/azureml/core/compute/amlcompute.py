"""`from azureml.core.compute.amlcompute import AmlCompute, AmlComputeProvisioningConfiguration`."""

from benchtop._compute import AmlCompute, AmlComputeProvisioningConfiguration, AmlComputeStatus, ScaleSettings

__all__ = ["AmlCompute", "AmlComputeProvisioningConfiguration", "AmlComputeStatus", "ScaleSettings"]
