"""The small HTML tables Jupyter shows for runs and experiments (azureml-core's _repr_html_)."""

try:
    from html import escape
except ImportError:  # pragma: no cover - Python 2
    from cgi import escape


def _cell(value):
    text = "" if value is None else str(value)
    if text.startswith("http://") or text.startswith("https://"):
        return '<a href="%s" target="_blank" rel="noopener">Link to Benchtop</a>' % escape(text, quote=True)
    return escape(text)


def table(rows):
    head = "".join("<th>%s</th>" % escape(str(k)) for k, _ in rows)
    body = "".join("<td>%s</td>" % _cell(v) for _, v in rows)
    return '<table style="width:100%%"><tr>%s</tr><tr>%s</tr></table>' % (head, body)
