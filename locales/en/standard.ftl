# The shipped standard's own marks on the pages (see docs/checklist-format.md).
standard-company-practice = This threshold is company practice: the source standard sets no figure.
standard-diagram = Diagram
