"""The sets of document numbers must be exactly NumPy's: same values, order, dtype, inverse."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from archive.engine.sets import in_sorted, union_all, unique, unique_inverse

numbers = st.lists(st.integers(0, 999), max_size=300).map(lambda xs: np.array(xs, dtype=np.int64))


@given(numbers)
def test_unique_is_numpys(values):
    found = unique(values)
    assert found.dtype == values.dtype
    assert found.tolist() == np.unique(values).tolist()


@given(numbers)
def test_unique_inverse_is_numpys(values):
    found, inverse = unique_inverse(values)
    expected, expected_inverse = np.unique(values, return_inverse=True)
    assert found.tolist() == expected.tolist()
    assert inverse.tolist() == expected_inverse.tolist()
    assert found[inverse].tolist() == values.tolist()


@given(st.lists(numbers, max_size=6), st.sampled_from([0, 1000, 2000]))
def test_union_all_on_a_mask_or_sorted_alike(arrays, size):
    expected = np.unique(np.concatenate(arrays)) if arrays else np.empty(0, dtype=np.int64)
    found = union_all(arrays, size)
    assert found.tolist() == expected.tolist()
    assert found.dtype == np.int64


def test_union_all_of_long_lists_marks_them_and_keeps_their_dtype():
    arrays = [np.arange(0, 900, 2, dtype=np.int32), np.arange(0, 900, 3, dtype=np.int32)]
    found = union_all(arrays, size=1000)  # 750 numbers > 1000 // 8: the mask
    assert found.dtype == np.int32
    assert found.tolist() == sorted(set(range(0, 900, 2)) | set(range(0, 900, 3)))


def test_empty_inputs():
    assert unique(np.empty(0, dtype=np.int64)).tolist() == []
    found, inverse = unique_inverse(np.empty(0, dtype=np.int64))
    assert found.tolist() == [] and inverse.tolist() == []
    assert union_all([]).tolist() == []


@given(numbers, numbers)
def test_in_sorted_is_numpys_isin(values, other):
    ordered = np.unique(other)
    assert in_sorted(values, ordered).tolist() == np.isin(values, ordered).tolist()
