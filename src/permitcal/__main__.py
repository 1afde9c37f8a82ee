"""``python -m permitcal``: the same command line as the ``permitcal`` script."""

from permitcal.cli import main

main()
