"""Read a QR code drawn on a page as a phone's camera would: from pixels, not from markup."""

from __future__ import annotations

import io
from typing import Any


def decode_qr(page: Any, selector: str) -> str:
    """The text of the one QR code in the element ``selector``, read from a screenshot."""
    import zxingcpp
    from PIL import Image

    element = page.locator(selector).first
    element.scroll_into_view_if_needed()
    image = Image.open(io.BytesIO(element.screenshot()))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, f"{len(found)} QR codes in {selector}"
    return str(found[0].text)
