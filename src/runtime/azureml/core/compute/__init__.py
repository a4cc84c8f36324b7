"""`from azureml.core.compute import ComputeTarget, AmlCompute, ComputeInstance`: cloud names that run here."""

from benchtop._compute import (
    AksCompute,
    AmlCompute,
    ComputeInstance,
    ComputeTarget,
    DatabricksCompute,
    HDInsightCompute,
    KubernetesCompute,
    RemoteCompute,
    SynapseCompute,
)

__all__ = [
    "AksCompute",
    "AmlCompute",
    "ComputeInstance",
    "ComputeTarget",
    "DatabricksCompute",
    "HDInsightCompute",
    "KubernetesCompute",
    "RemoteCompute",
    "SynapseCompute",
]
