"""Pure online-learning detectors and the decision policy.

Nothing in this package talks to Kafka, reads the wall clock or does I/O: events
(``streams.contract`` dataclasses) come in, scores and decisions go out. The Faust
worker, ``breakwater evaluate`` and the signup-check endpoint all call the same
:class:`detectors.engine.Engine`.
"""
