"""Figures from mailsim results databases, without Jupyter: the package behind tools/plot.

Each figure is a function KIND(results, args) -> matplotlib Figure, where results is a
list of Results (one per database) and args carries --message; cli.main is the command.
Notebooks may import it too (sys.path: tools/lib) to draw the same figures inline.
"""
