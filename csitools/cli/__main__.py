"""python -m csitools.cli"""

from csitools.cli import main

main(prog_name="csi")
