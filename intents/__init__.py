"""Understanding Norwegian messages: intent, need, place, crisis and language.

Pure and fast: no database, no network, no Telegram. Vocabulary, examples and place names live
in data files.
"""

from .result import INTENTS, Place, Understanding
from .understand import understand

__all__ = ["INTENTS", "Place", "Understanding", "understand"]
