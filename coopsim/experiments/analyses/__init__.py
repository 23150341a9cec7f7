"""The analyses of runs, one module each, each with one entry function: ``compare.compare``,
``sensitivity.sensitivity``, ``discover.discover`` and ``report.report``; ``common`` holds
what they share (their error, outcome names, reading an experiment folder)."""
