"""The ``kg`` command: :mod:`kg.cli.main` dispatches to one module per command, each a
thin wrapper over library functions; :mod:`kg.cli.render` prints results."""
