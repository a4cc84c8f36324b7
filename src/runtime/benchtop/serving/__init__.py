"""Benchtop's scoring server: the Azure ML inference server's HTTP contract, stdlib only.

python -m benchtop.serving --entry-script score.py --port 6789 --workers 2
"""

from .raw import AMLRequest, AMLResponse, BadRequest, rawhttp

__all__ = ["AMLRequest", "AMLResponse", "BadRequest", "rawhttp"]
