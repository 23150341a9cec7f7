"""The command-line face of the experiments: one module per sub-command (``sweep``,
``compare``, ``sensitivity``, ``discover``, ``report``), each with the three functions
:data:`coopsim.cli.COMMANDS` calls: ``add_<name>_arguments(parser)``, ``run_<name>(args)``
and ``<name>_epilog()``; ``common`` holds what they share."""
