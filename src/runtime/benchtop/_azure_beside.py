"""What only Azure's own module of the same name has, when the real azureml-core is installed beside Benchtop.

Benchtop's azureml.data.dataset_factory (and the other dataset and datastore modules) come first, so Azure's
modules that import their internals (azureml.data.output_dataset_config imports dataset_factory's
_set_column_types) would fail to import. Each of Benchtop's such modules answers a name it lacks from Azure's
file of the same name, loaded once under a private name in the same package (its relative imports still work).
"""

import importlib.util
import os
import sys


def azure_attribute(module_name, attribute):
    package_name, _, base = module_name.rpartition(".")
    package = sys.modules.get(package_name)
    for folder in list(getattr(package, "__path__", []))[1:]:
        path = os.path.join(folder, base + ".py")
        if not os.path.isfile(path):
            continue
        alias = "%s._azure_%s" % (package_name, base)
        module = sys.modules.get(alias)
        if module is None:
            spec = importlib.util.spec_from_file_location(alias, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[alias] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[alias]
                raise
        if hasattr(module, attribute):
            return getattr(module, attribute)
        break
    raise AttributeError("module %r has no attribute %r" % (module_name, attribute))
