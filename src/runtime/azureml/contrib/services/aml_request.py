from benchtop.serving.raw import AMLRequest, rawhttp

__all__ = ["AMLRequest", "rawhttp"]
