"""The reference endpoint: an AWS-faithful Storage Gateway CreateSnapshot server, cut like a moto service.

errors (the error answers), auth (SigV4 verification), validation (the schemas' constraints),
backend (the operations over the store, no HTTP), app (routing, the envelope, the answers),
exchange (the request the application reads and the answer it gives), http (the HTTP/1.1
server on werkzeug's and http.server's socket handling, and its quirks), store (the state),
faults and variants (named deviations and conformant alternatives, over
:mod:`~conformance.endpoint.named`), and service (:class:`ReferenceEndpoint`, the endpoint
in-process).
"""

from conformance.endpoint.service import ReferenceEndpoint

__all__ = ["ReferenceEndpoint"]
