"""The YAML of conda environment files, read and written with the standard library only.

The runtime ships without third-party packages (it is put into every run and service), so
PyYAML cannot be assumed. Conda files use a small part of YAML: block mappings and sequences,
`- pip:` lists, flow lists (`[a, b]`), quoted or plain scalars and comments. That part is read
here; anything else (anchors, multi-line scalars) falls back to PyYAML when it is installed and
is otherwise an error naming the line.
"""

import json
import re


class YamlError(ValueError):
    pass


def _strip_comment(text):
    """Removes a trailing `# comment` that is outside quotes."""
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text.rstrip()


def _scalar(text, line_no):
    text = text.strip()
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if text[0] == '"':
        try:
            return json.loads(text)
        except ValueError:
            raise YamlError("line %d: bad double-quoted string %s" % (line_no, text))
    if text[0] == "'":
        if len(text) < 2 or text[-1] != "'":
            raise YamlError("line %d: bad single-quoted string %s" % (line_no, text))
        return text[1:-1].replace("''", "'")
    if text[0] == "[":
        if text[-1] != "]":
            raise YamlError("line %d: a flow list must end on its line: %s" % (line_no, text))
        inner = text[1:-1].strip()
        return [_scalar(part, line_no) for part in _split_flow(inner, line_no)] if inner else []
    if text[0] == "{":
        if text == "{}":
            return {}
        raise YamlError("line %d: flow mappings are not supported: %s" % (line_no, text))
    if text[0] in "&*!|>":
        raise YamlError("line %d: this YAML feature is not supported here: %s" % (line_no, text))
    # Conda specs stay strings ("python=3.8", "numpy>=1.2", "3.10"): no number conversion,
    # so a version such as 3.10 is never read as the float 3.1.
    return text


def _split_flow(text, line_no):
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    if quote or depth:
        raise YamlError("line %d: unbalanced flow list" % line_no)
    return [p for p in parts if p.strip()]


_KEY = re.compile(r"""^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#'"\[\]{}][^:#]*?)\s*:(\s+|$)(.*)$""")


def _lines(text):
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise YamlError("line %d: tabs are not allowed for indentation" % number)
        content = _strip_comment(raw)
        if not content.strip() or content.strip() in ("---", "..."):
            continue
        out.append((len(content) - len(content.lstrip(" ")), content.strip(), number))
    return out


def _parse_block(lines, i, indent):
    """Parses the node whose lines start at lines[i] with this indent; returns (value, next index)."""
    if lines[i][1].startswith("- ") or lines[i][1] == "-":
        return _parse_sequence(lines, i, indent)
    return _parse_mapping(lines, i, indent)


def _parse_sequence(lines, i, indent):
    items = []
    while i < len(lines) and lines[i][0] == indent and (lines[i][1].startswith("- ") or lines[i][1] == "-"):
        _, text, number = lines[i]
        rest = text[1:].strip()
        if not rest:
            if i + 1 < len(lines) and lines[i + 1][0] > indent:
                value, i = _parse_block(lines, i + 1, lines[i + 1][0])
            else:
                value, i = None, i + 1
            items.append(value)
            continue
        if _KEY.match(rest) and not rest.startswith(("'", '"', "[")):
            # "- pip:" (a mapping inside a list item): its keys sit at the column after "- ".
            inner_indent = indent + (len(text) - len(rest))
            sub = [(inner_indent, rest, number)]
            j = i + 1
            while j < len(lines) and lines[j][0] > indent:
                sub.append(lines[j])
                j += 1
            value, used = _parse_mapping(sub, 0, inner_indent)
            if used != len(sub):
                raise YamlError("line %d: unexpected indentation" % sub[used][2])
            items.append(value)
            i = j
            continue
        items.append(_scalar(rest, number))
        i += 1
    if i < len(lines) and lines[i][0] > indent:
        raise YamlError("line %d: unexpected indentation" % lines[i][2])
    return items, i


def _parse_mapping(lines, i, indent):
    mapping = {}
    while i < len(lines) and lines[i][0] == indent:
        _, text, number = lines[i]
        match = _KEY.match(text)
        if not match:
            raise YamlError("line %d: expected `key: value`, found %r" % (number, text))
        key = _scalar(match.group(1), number)
        rest = match.group(3).strip()
        i += 1
        if rest:
            mapping[key] = _scalar(rest, number)
        elif i < len(lines) and (
            lines[i][0] > indent or (lines[i][0] == indent and (lines[i][1].startswith("- ") or lines[i][1] == "-"))
        ):
            # A block sequence may sit at the key's own indent ("dependencies:\n- python").
            mapping[key], i = _parse_block(lines, i, lines[i][0])
        else:
            mapping[key] = None
    if i < len(lines) and lines[i][0] > indent:
        raise YamlError("line %d: unexpected indentation" % lines[i][2])
    return mapping, i


def loads(text):
    """Parses conda-file YAML into dicts, lists and strings."""
    try:
        lines = _lines(text)
        if not lines:
            return None
        value, used = _parse_block(lines, 0, lines[0][0])
        if used != len(lines):
            raise YamlError("line %d: unexpected content" % lines[used][2])
        return value
    except YamlError:
        try:
            import yaml  # PyYAML, when present, reads what the subset above does not
        except ImportError:
            raise
        return yaml.safe_load(text)


# Plain (unquoted) only when YAML reads it back as this same string: no indicator first, and
# nothing a YAML reader would turn into a number, a boolean or null.
_PLAIN = re.compile(r"^[A-Za-z0-9_./+=<~-][A-Za-z0-9_./+=<>!~*@:, ()\[\]-]*$")
_NOT_A_STRING = re.compile(r"^([-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.nan|y|n)$", re.I)


def _quote(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    reserved = (
        text.lower() in ("null", "true", "false", "~", "yes", "no", "on", "off")
        or text.strip() != text
        or text.startswith("- ")
        or bool(_NOT_A_STRING.match(text))
    )
    if _PLAIN.match(text) and not reserved and ": " not in text and " #" not in text and not text.endswith(":"):
        return text
    return json.dumps(text)


def _dump(value, indent, out):
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append("%s%s:" % (pad, _quote(key)))
                _dump(item, indent + 2, out)
            else:
                out.append(
                    "%s%s: %s" % (pad, _quote(key), "[]" if item == [] else "{}" if item == {} else _quote(item))
                )
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                first = True
                for key, sub in item.items():
                    lead = pad + ("- " if first else "  ")
                    first = False
                    if isinstance(sub, (dict, list)) and sub:
                        out.append("%s%s:" % (lead, _quote(key)))
                        _dump(sub, indent + 4, out)
                    else:
                        out.append("%s%s: %s" % (lead, _quote(key), "[]" if sub == [] else _quote(sub)))
            elif isinstance(item, list) and item:
                out.append("%s-" % pad)
                _dump(item, indent + 2, out)
            else:
                out.append("%s- %s" % (pad, "[]" if item == [] else _quote(item)))


def dumps(value):
    """Block-style YAML for a conda specification (dict of lists of strings and `pip:` lists)."""
    out = []
    _dump(value, 0, out)
    return "\n".join(out) + "\n"
