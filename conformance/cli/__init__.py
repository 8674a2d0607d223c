"""The ``sgw-conformance`` command: one module per subcommand, the terminal table and progress."""
