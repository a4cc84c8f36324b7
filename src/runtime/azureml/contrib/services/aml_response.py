from benchtop.serving.raw import AMLResponse

__all__ = ["AMLResponse"]
