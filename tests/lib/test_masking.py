"""lib.masking: snapshots (audit before/after) and free text lose their full numbers."""

from __future__ import annotations

from giamngheo.lib.masking import is_masked, mask_snapshot, mask_text


def test_a_snapshot_is_masked_at_any_depth_and_other_values_stay() -> None:
    snapshot = {
        "citizen_id": "044080000001",
        "phone": "0912345678",
        "address": "Xóm 1",
        "income": 1_200_000,
        "members": [{"citizen_id": "044080000002", "full_name": "An"}],
        "note": "gọi 0987654321, số định danh 044080000003",
    }
    assert mask_snapshot(snapshot) == {
        "citizen_id": "********0001",
        "phone": "091****678",
        "address": "Xóm 1",
        "income": 1_200_000,
        "members": [{"citizen_id": "********0002", "full_name": "An"}],
        "note": "gọi 098****321, số định danh ********0003",
    }
    assert mask_snapshot(None) is None


def test_free_text_keeps_codes_and_short_numbers() -> None:
    assert mask_text("Mã hộ A1-001, xã 19435, năm 2025") == "Mã hộ A1-001, xã 19435, năm 2025"
    assert mask_text("0912345678") == "091****678"
    assert is_masked("091****678") and not is_masked("0912345678") and not is_masked(None)
