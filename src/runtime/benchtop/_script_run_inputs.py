"""A run's datasets: DatasetConsumptionConfigs in a ScriptRunConfig's arguments (or run_config.data, or an
Estimator's inputs) become `--input NAME=DATASET:VERSION:MODE` flags of `benchtop run submit`.

As azureml-core's _update_args_and_io: the argument becomes `DatasetConsumptionConfig:NAME` (the run puts
the input's path there, or a direct input's id); a dataset given as an argument itself is refused with
Azure's text. An unregistered dataset is registered first under a hidden anonymous name (Azure "saves" it
the same way), so the run records the exact version it read. A DataReference (a datastore path) becomes
the folder's local path: a datastore is a folder of the workspace here.
"""

import logging

from ._exceptions import UserErrorException

module_logger = logging.getLogger("azureml.core.script_run_config")


def _is_dataset(value):
    from ._dataset import AbstractDataset

    return isinstance(value, AbstractDataset)


def replace_arguments(arguments, inputs):
    """ARGUMENTS with consumption configs replaced by their placeholders (added to INPUTS, name -> config)."""
    from ._dataset_consumption import DatasetConsumptionConfig
    from ._datastore_paths import DataReference

    out = []
    for value in arguments:
        if _is_dataset(value):
            # azureml-core's text.
            raise UserErrorException(
                "Dataset cannot be used directly in a run. If you are using a FileDataset and would like to mount "
                "or download the dataset, please call the as_mount or the as_download methods on the dataset "
                "object. If you would like to use the direct mode, please call the as_named_input method on the "
                "dataset object to convert the dataset into a DatasetConsumptionConfig."
            )
        if isinstance(value, DatasetConsumptionConfig):
            if value.name in inputs:
                module_logger.warning(
                    "Dataset with the name {} is already defined in the data section of the RunConfiguration. The "
                    "DatasetConsumptionConfig in the data section will be used to materialized the data".format(
                        value.name
                    )
                )
            else:
                inputs[value.name] = value
            out.append(value.arg_val)
        elif isinstance(value, DataReference):
            out.append(value._local_path())
        else:
            out.append(value)
    return out


def data_section(run_config):
    """run_config.data's consumption configs (name -> config), as Azure's RunConfiguration.data holds them."""
    from ._dataset_consumption import DatasetConsumptionConfig

    inputs = {}
    for name, value in dict(getattr(run_config, "data", None) or {}).items():
        if isinstance(value, DatasetConsumptionConfig):
            inputs[value.name or name] = value
        elif _is_dataset(value):
            inputs[name] = value.as_named_input(name)
    return inputs


def estimator_inputs(inputs):
    """An Estimator's inputs= list: consumption configs (name -> config); data references are refused."""
    from ._dataset_consumption import DatasetConsumptionConfig

    out = {}
    for value in inputs or []:
        if isinstance(value, DatasetConsumptionConfig):
            out[value.name] = value
        elif _is_dataset(value):
            config = value.as_named_input(None)
            out[config.name] = config
        else:
            raise UserErrorException(
                "Estimator input %r is not a dataset: give dataset.as_named_input('name').as_mount() (or "
                "as_download()), or pass a local path in script_params." % (value,)
            )
    return out


def submit_flags(inputs, workspace):
    """--input / --input-path flags for INPUTS (name -> DatasetConsumptionConfig)."""
    flags = []
    for name, config in inputs.items():
        dataset = config.dataset
        if dataset._plan:
            raise UserErrorException(
                "Input %r has transformations (take, skip, ...), which a run's input cannot carry: pass the whole "
                "dataset and apply them in the script (run.input_datasets[%r]), or register the result first."
                % (name, name)
            )
        dataset._ensure_saved(workspace)
        mode = "direct" if config.mode == "direct" else config.mode
        flags += ["--input", "%s=%s:%s:%s" % (name, dataset.name, dataset.version, mode)]
        if config.path_on_compute:
            flags += ["--input-path", "%s=%s" % (name, config.path_on_compute)]
    return flags
