"""The conformance suite: the rulebook, the cases, the transport, the checks and the engine that
runs them against a target.  It never imports the reference endpoint."""
