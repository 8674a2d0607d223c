"""sgw-conformance: a protocol conformance suite for AWS Storage Gateway CreateSnapshot."""

__version__ = "0.1.0"
