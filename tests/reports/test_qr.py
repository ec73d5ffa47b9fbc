"""The verification QR code: `visits.reports.qr` chooses the mask in numpy (qrcode scores all eight in
pure Python, a third of a visit report's time); the symbol must be exactly the one qrcode makes."""

import random
import string

import numpy as np
import pytest
import qrcode
from qrcode import util

from visits.reports.qr import _masks, lost_points, qr_matrix

LEVELS = (
    qrcode.constants.ERROR_CORRECT_L,
    qrcode.constants.ERROR_CORRECT_M,
    qrcode.constants.ERROR_CORRECT_Q,
    qrcode.constants.ERROR_CORRECT_H,
)


def qrcode_own(text: str, level: int) -> list[list[bool]]:
    qr = qrcode.QRCode(border=0, error_correction=level)
    qr.add_data(text)
    qr.make(fit=True)
    return qr.get_matrix()


def texts() -> list[str]:
    rnd = random.Random(15)
    code = string.ascii_uppercase + string.digits
    out = [
        f"https://nithet.example.go.th/verify/{''.join(rnd.choices(code, k=4))}-{''.join(rnd.choices(code, k=4))}/"
        for _ in range(60)
    ]
    out += ["https://สพม29.example/verify/ก-๑/", "1234567890" * 9, "HELLO WORLD 123"]
    # Longer texts reach versions 7 and up (with version information blocks).
    out += ["".join(rnd.choices(string.printable, k=rnd.randint(1, 700))) for _ in range(40)]
    return out


@pytest.mark.parametrize("level", LEVELS)
def test_the_symbol_is_the_one_qrcode_makes(level):
    versions = set()
    for text in texts():
        mine = qr_matrix(text, level)
        assert mine == qrcode_own(text, level), text
        versions.add((len(mine) - 17) // 4)
    assert min(versions) <= 4 and max(versions) >= 7  # small symbols and ones with version blocks


def test_each_masks_penalty_is_qrcodes():
    for text in texts()[::5]:
        qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
        qr.add_data(text)
        qr.best_fit()
        stack = []
        expected = []
        for pattern in range(8):
            qr.makeImpl(True, pattern)
            expected.append(util.lost_point(qr.modules))
            stack.append(np.array(qr.modules, dtype=bool))
        assert lost_points(np.stack(stack)) == expected, text


def test_the_masks_are_qrcodes_mask_functions():
    n = 33
    masks = _masks(n)
    for pattern in range(8):
        func = util.mask_func(pattern)
        assert masks[pattern].tolist() == [[bool(func(i, j)) for j in range(n)] for i in range(n)]
