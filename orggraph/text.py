"""Text normalisation shared by the model and the importers: full-width forms folded to half-width.

>>> to_halfwidth("３号楼（东）：Ａ")
'3号楼(东):A'
"""

from __future__ import annotations

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space


def to_halfwidth(text: str) -> str:
    """Fold full-width ASCII forms (０-９, Ａ-Ｚ, （）：， and the ideographic space) to half-width."""
    return text.translate(_FULLWIDTH)
