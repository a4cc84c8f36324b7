"""The base of azureml-core's configuration objects (Environment and its sections, ContainerRegistry ...).

Two behaviours of azureml-core that notebook code meets are kept: a misspelt attribute is an error
(`env.docker.base_imag = ...` raises AttributeError instead of being ignored), and each object
serializes to the camelCase JSON of azureml_environment.json in azureml-core's field order. Keys
this runtime does not know are kept and written back, so a definition survives a round trip.
"""

import logging
from collections import OrderedDict

log = logging.getLogger("azureml.core.environment")


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class Field(object):
    """One serialized field: the attribute holding it, its JSON key, and its element class if nested."""

    def __init__(self, attr, kind=None, key=None, items=None):
        self.attr = attr
        self.kind = kind
        self.key = key or camel(attr.lstrip("_"))
        self.items = items


class ConfigElement(object):
    _fields = ()

    def __setattr__(self, name, value):
        if self.__dict__.get("_initialized") and not hasattr(self, name):
            raise AttributeError("{} has no attribute {}".format(self.__class__, name))
        object.__setattr__(self, name, value)

    def _serialize(self):
        out = OrderedDict()
        for field in self._fields:
            out[field.key] = _to_json(getattr(self, field.attr), field)
        for key, value in (self.__dict__.get("_extra") or {}).items():
            out.setdefault(key, value)
        return out

    @classmethod
    def _deserialize(cls, data, target=None):
        """Fills `target` (or a new object) from a dict; absent keys keep the object's values."""
        obj = target if target is not None else cls()
        if data is None:
            return None
        known = set()
        for field in cls._fields:
            known.add(field.key)
            if field.key not in data:
                continue
            value = data[field.key]
            if value is None:
                object.__setattr__(obj, field.attr, None)
            elif field.kind is not None:
                current = getattr(obj, field.attr, None)
                object.__setattr__(obj, field.attr, field.kind._deserialize(value, current))
            elif field.items is not None:
                object.__setattr__(obj, field.attr, [field.items._deserialize(v) for v in value])
            else:
                object.__setattr__(obj, field.attr, value)
        extra = OrderedDict((k, v) for k, v in data.items() if k not in known)
        if extra:
            object.__setattr__(obj, "_extra", extra)
        return obj


def _to_json(value, field):
    if isinstance(value, ConfigElement):
        return value._serialize()
    if isinstance(value, list):
        return [v._serialize() if isinstance(v, ConfigElement) else v for v in value]
    if isinstance(value, dict):
        return dict(value)
    if hasattr(value, "value") and type(value).__module__ != "builtins" and hasattr(type(value), "__members__"):
        return value.value  # an Enum (DockerBuildContext.LocationType)
    return value
