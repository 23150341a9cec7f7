"""The sweep engine: an experiment file checked (``spec``), its plan drawn (``design``,
``seeds``), each run done (``worker``) in-process, on a pool or on Dask (``execute``), and
the results folder written and resumed (``store``)."""
