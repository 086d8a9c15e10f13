"""Compile ``intents/data/common_words.txt``: frequent bokmål and English words, folded.

Understanding uses the list to tell a real word from a typo: a frequent word is never
"corrected" towards a vocabulary word or a place name ("tenkjer" must not become Steinkjer).
Needs the wordfreq package (``pip install wordfreq``) at build time only; the list it writes
is data that ships with Losen. Word frequencies: wordfreq by Robyn Speer, data CC BY-SA 4.0.

    python tools/build_common_words.py
"""

from __future__ import annotations

from pathlib import Path

from losen.catalogue.textfold import fold
from wordfreq import top_n_list

OUT = Path(__file__).resolve().parent.parent / "intents" / "data" / "common_words.txt"


def main() -> None:
    words: set[str] = set()
    for lang, n in (("nb", 40_000), ("en", 15_000)):
        for word in top_n_list(lang, n):
            folded = fold(word).replace(" ", "")
            if len(folded) >= 3 and folded.isalpha():
                words.add(folded)
    header = ("# Frequent bokmål (top 40,000) and English (top 15,000) words, folded; from\n"
              "# wordfreq (Robyn Speer et al.), data CC BY-SA 4.0. Built by "
              "tools/build_common_words.py.\n")
    OUT.write_text(header + "\n".join(sorted(words)) + "\n", "utf-8")
    print(f"{len(words)} words -> {OUT}")


if __name__ == "__main__":
    main()
