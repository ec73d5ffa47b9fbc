"""QR matrices for the verification code: `qrcode`'s encoding, with its choice of mask made in numpy.

`qrcode` picks the mask (ISO/IEC 18004 §7.8.2: the one of eight with the lowest penalty) by laying the
symbol out eight times and scoring each layout in pure Python: a third of a visit report's time went
there. Here the data modules are laid out once, each mask is applied to them as one XOR, and the four
penalty rules are counted on arrays, exactly as `qrcode.util.lost_point` counts them (ties go to the lower
mask, as there), and the symbol is that layout under the chosen mask with `qrcode`'s own format bits: the
very matrix `qrcode` makes (tests/reports/test_qr.py compares the two).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import qrcode

_FINDER_LIKE = ((1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0), (0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1))


def qr_matrix(text: str, error_correction: int = qrcode.constants.ERROR_CORRECT_M) -> list[list[bool]]:
    """The QR symbol for `text` (no quiet zone) as rows of booleans, dark = True."""
    from qrcode.main import copy_2d_array, precomputed_qr_blanks

    qr = qrcode.QRCode(border=0, error_correction=error_correction)
    qr.add_data(text)
    qr.best_fit(start=qr.version)
    qr.makeImpl(True, 0)  # the test layout: format (and version) bits light, data under mask 0
    laid = np.array(qr.modules, dtype=bool)
    n = len(laid)
    # Which modules hold data: those still empty once the function patterns and format bits are set.
    qr.modules = copy_2d_array(precomputed_qr_blanks[qr.version])  # (filled by makeImpl above)
    qr.setup_type_info(True, 0)
    if qr.version >= 7:
        qr.setup_type_number(True)
    data = np.array([[m is None for m in row] for row in qr.modules], dtype=bool)
    masks = _masks(n) & data
    unmasked = laid ^ masks[0]
    points = lost_points(unmasked ^ masks)
    best = points.index(min(points))  # the first of equal scores, as qrcode
    # The symbol under that mask, with its format (and version) bits: what qrcode's makeImpl lays out.
    qr.setup_type_info(False, best)
    if qr.version >= 7:
        qr.setup_type_number(False)
    final = (unmasked ^ masks[best]).tolist()
    for r, row in enumerate(qr.modules):
        for c, module in enumerate(row):
            if module is None:
                row[c] = final[r][c]
    return qr.get_matrix()


@cache
def _masks(n: int) -> np.ndarray:
    """The eight mask patterns over an n × n symbol."""
    i, j = np.indices((n, n))
    return np.stack([_mask(pattern, i, j) for pattern in range(8)])


def _mask(pattern: int, i, j):
    """ISO/IEC 18004 table 10, as `qrcode.util.mask_func` (i = row, j = column)."""
    if pattern == 0:
        return (i + j) % 2 == 0
    if pattern == 1:
        return i % 2 == 0
    if pattern == 2:
        return j % 3 == 0
    if pattern == 3:
        return (i + j) % 3 == 0
    if pattern == 4:
        return (i // 2 + j // 3) % 2 == 0
    if pattern == 5:
        return (i * j) % 2 + (i * j) % 3 == 0
    if pattern == 6:
        return ((i * j) % 2 + (i * j) % 3) % 2 == 0
    return ((i * j) % 3 + (i + j) % 2) % 2 == 0


def lost_points(m: np.ndarray) -> list[int]:
    """The penalty score of each masked symbol in the stack `m` (masks × rows × columns), as
    `qrcode.util.lost_point` counts it."""
    n = m.shape[-1]
    points = np.zeros(len(m), dtype=np.int64)
    for lines in (m, m.transpose(0, 2, 1)):
        # Rule 1: a run of L ≥ 5 modules of one colour in a row or column scores L - 2, which is the
        # number of its 5-module windows (L - 4) plus 2 for the run (its first such window).
        same = lines[..., 1:] == lines[..., :-1]
        five = same[..., : n - 4] & same[..., 1 : n - 3] & same[..., 2 : n - 2] & same[..., 3 : n - 1]
        first = five.copy()
        first[..., 1:] &= ~same[..., : n - 5]
        points += five.sum(axis=(1, 2)) + 2 * first.sum(axis=(1, 2))
        # Rule 3: each 1:1:3:1:1 finder-like pattern with four light modules on one side scores 40.
        if n > 10:
            for pattern in _FINDER_LIKE:
                found = np.ones((*lines.shape[:2], n - 10), dtype=bool)
                for k, dark in enumerate(pattern):
                    window = lines[..., k : k + n - 10]
                    found &= window if dark else ~window
                points += 40 * found.sum(axis=(1, 2))
    # Rule 2: each 2 × 2 block of one colour scores 3.
    corner = m[:, :-1, :-1]
    block = (corner == m[:, :-1, 1:]) & (corner == m[:, 1:, :-1]) & (corner == m[:, 1:, 1:])
    points += 3 * block.sum(axis=(1, 2))
    out = []
    for score, dark in zip(points.tolist(), m.sum(axis=(1, 2)).tolist(), strict=True):
        # Rule 4: 10 points for each full 5 % the dark share departs from 50 % (qrcode's float arithmetic).
        percent = float(dark) / (n**2)
        out.append(score + int(abs(percent * 100 - 50) / 5) * 10)
    return out
