"""The catalogue of offers and the register of places.

Importing this package loads nothing heavy: ``losen.catalogue.places`` is pure data and can be
used without SQLAlchemy, so understanding starts fast. Storage lives in ``models``, ``store``
and ``db``; import and export in ``csvio``, ``hsds`` and ``transfer``.
"""
