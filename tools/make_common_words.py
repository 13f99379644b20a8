"""Write ``tools/hindsight/language/common_words.txt``: everyday English words that are not names.

    pip install english-words wordfreq
    python tools/make_common_words.py

A capitalised word at the start of a sentence ("Add missing alerts", "Additionally, block
production slowed") is not taken for an unknown person's name when it is one of these words.
The words are the lower-case entries of Webster's Second International (public domain, from
the ``english-words`` package) that occur at least once per million English words
(``wordfreq``, used only to rank them), less the given names of ``first_names.txt``. Neither
package is needed at run time; run this again only to change the list.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent / "hindsight" / "language"
#: the least frequency kept, on the Zipf scale (3.0: about once per million words)
MIN_ZIPF = 3.0


def main() -> int:
    from english_words import get_english_words_set
    from wordfreq import top_n_list, zipf_frequency

    web2 = {w for w in get_english_words_set(["web2"], lower=False) if w.isalpha() and w.islower()}
    names_file = (HERE / "first_names.txt").read_text(encoding="utf-8")
    names = {
        w.lower()
        for line in names_file.splitlines()
        if not line.startswith("#")
        for w in line.split()
    }
    common = (w for w in top_n_list("en", 100_000) if zipf_frequency(w, "en") >= MIN_ZIPF)
    words = sorted({w for w in common if w in web2 and w not in names and len(w) > 1})
    header = (
        "# Everyday English words that are not names: made by tools/make_common_words.py from\n"
        "# Webster's Second International (public domain), ranked by wordfreq; one line per letter.\n"
    )
    lines = {}
    for word in words:
        lines.setdefault(word[0], []).append(word)
    body = "\n".join(" ".join(group) for _, group in sorted(lines.items()))
    (HERE / "common_words.txt").write_text(header + body + "\n", encoding="utf-8")
    print(f"{len(words)} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
