"""Vietnamese and minority name vocabularies, and weighted choices among them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
from numpy.typing import NDArray

from giamngheo.synthetic.profiles import (
    pick,
)

# -- names ------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _vocab(pairs: Sequence[tuple[str, float]]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)


KINH_FAMILY = _vocab(
    [
        ("Nguyễn", 30),
        ("Lê", 11),
        ("Trần", 9),
        ("Hoàng", 6),
        ("Phan", 6),
        ("Võ", 6),
        ("Hồ", 4),
        ("Đặng", 3.5),
        ("Trương", 3),
        ("Phạm", 3),
        ("Đinh", 2.5),
        ("Bùi", 2),
        ("Ngô", 2),
        ("Dương", 1.5),
        ("Mai", 1.5),
        ("Cao", 1.5),
        ("Đỗ", 1.5),
        ("Lương", 1),
        ("Huỳnh", 1),
        ("Thái", 1),
        ("Hà", 1),
        ("Đoàn", 1),
        ("Văn", 0.5),
        ("Tạ", 0.5),
        ("Châu", 0.5),
        ("Lưu", 0.5),
        ("Đào", 0.5),
    ]
)
_BRU_FAMILY = _vocab(
    [
        ("Hồ", 55),
        ("Lê", 8),
        ("Nguyễn", 6),
        ("Kray", 5),
        ("Pả", 4),
        ("Ăm", 3),
        ("Côn", 3),
        ("Trần", 3),
        ("Chăm", 3),
        ("Kăn", 2),
    ]
)
_TAOI_FAMILY = _vocab(
    [
        ("Hồ", 35),
        ("Kăn", 10),
        ("Côn", 8),
        ("Pi", 7),
        ("Lê", 6),
        ("Nguyễn", 5),
        ("Pả", 4),
        ("Kray", 4),
        ("Trần", 3),
    ]
)
_CHUT_FAMILY = _vocab(
    [
        ("Cao", 25),
        ("Đinh", 25),
        ("Hồ", 20),
        ("Trương", 10),
        ("Hà", 5),
        ("Nguyễn", 5),
        ("Lê", 5),
        ("Phạm", 5),
    ]
)
FAMILY_BY_GROUP: Final = {"23": _BRU_FAMILY, "31": _TAOI_FAMILY, "44": _CHUT_FAMILY}

MALE_MIDDLE = _words("Văn Đức Hữu Minh Quang Xuân Công Thanh Ngọc Anh Gia Bảo Đình Trọng Quốc")
FEMALE_MIDDLE = _words("Thị Ngọc Thu Thanh Phương Bảo Khánh Minh Hoài Thùy Mai Kim Diệu Hồng Thảo")

MALE_OLDER = _words(
    "Hùng Dũng Hải Long Sơn Thắng Cường Bình Hòa Toàn Tài Lợi Thành Trung Tiến Minh Nam Tuấn "
    "Quang Hiếu Phúc Lộc Thọ Châu Nghĩa Hưng Đông Tâm Thanh Vinh Chiến Lâm Hạnh Đức Phương"
)
MALE_YOUNGER = _words(
    "Huy Khang Bảo An Phúc Khoa Nhật Duy Đạt Kiên Quân Hoàng Minh Nam Tuấn Long Phong Vũ "
    "Thịnh Khánh Lâm Trí Hiếu Đức Tùng Hưng Thái Sang Khôi Nguyên"
)
FEMALE_OLDER = _words(
    "Lan Hoa Hương Mai Hằng Nga Hạnh Hà Nhung Yến Vân Thủy Loan Liên Dung Thu Xuân Hiền Tâm "
    "Lý Sen Cúc Đào Bích Huệ Tuyết Oanh Phượng Hồng Lệ"
)
FEMALE_YOUNGER = _words(
    "Linh Trang Thảo Anh Ngọc Vy Nhi My Châu Hân Uyên Quỳnh Thư Giang Hà Phương Ly Tiên "
    "Nhung Hương Trinh Yến Diễm Hoài Ngân Tâm"
)
MINORITY_MALE = _words(
    "Thương Lai Bin Xoan Cân Vai Dơi Kiên Thuận Phiên Sơn Xuân Đơn Hồi Phăn Ây Pỏi Chôm"
)
MINORITY_FEMALE = _words(
    "Pheo Ly Ngân Trang Xoan Bơ Nhơn Hiên Lan Xuân Kim Vân Thơm Hoa Chiên Sen Pa Mơ"
)


class Names:
    """One vocabulary of name parts; members hold indexes into it until strings are needed."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self._index: dict[str, int] = {}

    def ids(self, words: Sequence[str]) -> NDArray[np.int32]:
        out = []
        for word in words:
            if word not in self._index:
                self._index[word] = len(self.words)
                self.words.append(word)
            out.append(self._index[word])
        return np.asarray(out, dtype=np.int32)


def choose_weighted(
    rng: np.random.Generator,
    names: Names,
    vocab: tuple[tuple[str, ...], tuple[float, ...]],
    n: int,
) -> NDArray[np.int32]:
    words, weights = vocab
    result: NDArray[np.int32] = names.ids(words)[pick(rng, weights, n)]
    return result


def choose(
    rng: np.random.Generator, names: Names, words: Sequence[str], n: int
) -> NDArray[np.int32]:
    result: NDArray[np.int32] = names.ids(words)[rng.integers(0, len(words), n)]
    return result
