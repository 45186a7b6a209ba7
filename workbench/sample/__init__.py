"""A seeded generator of a realistic demo organisation's contact data, for any life cycle model.

>>> from workbench.sample import generate            # doctest: +SKIP
>>> result = generate(model, "ws/data/contacts", events=1_000_000, seed=0)   # doctest: +SKIP

See :func:`generate` and :class:`SampleResult`; ``python -m workbench.sample OUT --events N`` runs it
from a shell (on the telecom template unless ``--template`` names another YAML file).
"""

from workbench.sample.codes import IGNORE_CODES, UNMAPPED_CODES, reason_codes, source_code
from workbench.sample.generator import SampleResult, generate

__all__ = ["IGNORE_CODES", "UNMAPPED_CODES", "SampleResult", "generate", "reason_codes", "source_code"]
