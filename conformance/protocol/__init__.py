"""The wire: the awsJson1_1 envelope, SigV4 primitives, credentials and redaction of secrets.

Facts only, no policy: both the suite and the reference endpoint build on this layer.
"""
