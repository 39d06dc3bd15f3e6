"""Banded locality-sensitive hashing over MinHash values, in flat numpy arrays.

Same banding as datasketch's `MinHashLSH`, different storage: datasketch keeps a Python set per
bucket (measured ~300 bytes a band an item: 480 MB for 100k articles at 16 bands), which is over
our memory budget. Here each band of each item is one 64-bit key in a sorted array with the
item's row beside it (12 bytes), and a query is a binary search per band.
"""
from __future__ import annotations

import numpy as np

MERGE_AT = 4096          # pending keys merged into the sorted arrays in batches this large
MAX_BUCKET = 256         # a band value shared by more items than this says little: cap its cost
_MIX = np.uint64(0x9E3779B97F4A7C15)
_FINAL = np.uint64(0xBF58476D1CE4E5B9)


class BandIndex:
    """Rows (small ints) by their MinHash bands: `bands` bands of `rows_per_band` values each."""

    def __init__(self, bands: int, rows_per_band: int, num_perm: int) -> None:
        if bands < 1 or rows_per_band < 1 or bands * rows_per_band > num_perm:
            raise ValueError(f"LSH bands {bands} x {rows_per_band} do not fit {num_perm} permutations")
        self.bands, self.rows_per_band = bands, rows_per_band
        rng = np.random.default_rng(20211005)
        self._multipliers = rng.integers(1, 2**63, size=rows_per_band, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._band_salt = rng.integers(0, 2**63, size=bands, dtype=np.uint64)
        self._keys = np.empty(0, dtype=np.uint64)
        self._rows = np.empty(0, dtype=np.int32)
        self._pending: dict[int, list[int]] = {}
        self._pending_count = 0

    def __len__(self) -> int:
        return (len(self._keys) + self._pending_count) // self.bands

    def band_keys(self, matrix: np.ndarray) -> np.ndarray:
        """One uint64 key per (item, band) for a (n, num_perm) uint32 matrix: shape (n, bands)."""
        n = matrix.shape[0]
        used = matrix[:, :self.bands * self.rows_per_band].astype(np.uint64).reshape(n, self.bands, self.rows_per_band)
        with np.errstate(over="ignore"):
            keys = (used * self._multipliers).sum(axis=2, dtype=np.uint64) ^ self._band_salt
            keys ^= keys >> np.uint64(31)
            keys *= _FINAL
            keys ^= keys >> np.uint64(29)
            keys *= _MIX
        return keys

    def add(self, row: int, hashvalues: np.ndarray) -> None:
        for key in self.band_keys(hashvalues.reshape(1, -1))[0].tolist():
            self._pending.setdefault(key, []).append(row)
        self._pending_count += self.bands
        if self._pending_count >= MERGE_AT:
            self._merge()

    def add_many(self, rows: np.ndarray, matrix: np.ndarray) -> None:
        """Bulk insert (rebuilding from the database): one sort of the new keys, one merge."""
        if len(rows) == 0:
            return
        keys = self.band_keys(matrix).ravel()
        owners = np.repeat(np.asarray(rows, dtype=np.int32), self.bands)
        self._insert(keys, owners)

    def query(self, hashvalues: np.ndarray) -> set[int]:
        """Rows that share at least one band with `hashvalues`."""
        keys = self.band_keys(hashvalues.reshape(1, -1))[0]
        found: set[int] = set()
        if len(self._keys):
            lo = np.searchsorted(self._keys, keys, side="left")
            hi = np.searchsorted(self._keys, keys, side="right")
            for start, stop in zip(lo[hi > lo].tolist(), hi[hi > lo].tolist()):
                found.update(self._rows[start:min(stop, start + MAX_BUCKET)].tolist())
        if self._pending:
            for key in keys.tolist():
                found.update(self._pending.get(key, ())[:MAX_BUCKET])
        return found

    def nbytes(self) -> int:
        return self._keys.nbytes + self._rows.nbytes + self._pending_count * 80

    def _merge(self) -> None:
        keys = np.fromiter((k for k, rows in self._pending.items() for _ in rows), dtype=np.uint64,
                           count=self._pending_count)
        rows = np.fromiter((r for rows in self._pending.values() for r in rows), dtype=np.int32,
                           count=self._pending_count)
        self._pending, self._pending_count = {}, 0
        self._insert(keys, rows)

    def _insert(self, keys: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], rows[order]
        if not len(self._keys):
            self._keys, self._rows = keys, rows
            return
        at = np.searchsorted(self._keys, keys, side="right")
        self._keys = np.insert(self._keys, at, keys)
        self._rows = np.insert(self._rows, at, rows)
