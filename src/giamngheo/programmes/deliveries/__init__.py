"""Deliveries: what households and people received under a programme (the ``SupportRecord``
rows of ``giamngheo.programmes``), health-insurance cards, receipts, bulk entry, the delivery
sheet import, totals that reconcile with the rows, the household panel, graduation and reach.

A subpackage of ``giamngheo.programmes`` (same layer); its models live in ``models.py`` here and
are imported by ``programmes/models.py`` so that Django keeps them in the programmes app."""
