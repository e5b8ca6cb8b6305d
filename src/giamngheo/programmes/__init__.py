"""Support programmes: the programme tree and standing policies as data, eligibility over the
registry, beneficiary lists, and what each household received (``SupportRecord``)."""
