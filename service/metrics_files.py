"""Metrics files that fail with an OSError, never a SIGBUS, when their filesystem is full.

prometheus_client's multiprocess mode keeps each process's samples in a file it maps
into memory (prometheus_client/mmap_dict.py): it sizes the file with ftruncate, which
on tmpfs (/dev/shm) reserves nothing, then writes through the mapping. On a full
filesystem that write is a SIGBUS: the worker dies, and so does every replacement.
Reserving the bytes with posix_fallocate before the first write to them turns a full
(or unwritable) directory into an OSError when a file or a series is created, which
service/observability.py answers by turning metrics off in that process.
"""

import mmap
import os

from prometheus_client import values
from prometheus_client.mmap_dict import MmapedDict

# What an entry adds beyond its key: a 4-byte length, up to 8 bytes of padding to
# align, and two doubles (value and timestamp).
_ENTRY_OVERHEAD = 4 + 8 + 16


class ReservedMmapedDict(MmapedDict):
    """prometheus_client's MmapedDict, reserving each byte before writing through the map."""

    def __init__(self, filename: str, read_mode: bool = False):
        if not read_mode:
            _reserve_first_page(filename)
        super().__init__(filename, read_mode)

    def _init_value(self, key: str):
        """Reserve the new entry (beyond the end if the file must grow), then add it."""
        os.posix_fallocate(self._f.fileno(), self._used, len(key.encode("utf-8")) + _ENTRY_OVERHEAD)
        super()._init_value(key)


def _reserve_first_page(filename: str):
    """The header MmapedDict reads and writes as soon as it maps the file (a new file
    gets this page's size, which MmapedDict then doubles as it grows). A file left
    empty is removed: the master's collector cannot read one."""
    descriptor = os.open(filename, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        os.posix_fallocate(descriptor, 0, mmap.PAGESIZE)
    except OSError:
        if os.fstat(descriptor).st_size == 0:
            os.unlink(filename)
        raise
    finally:
        os.close(descriptor)


def reserve_before_writing():
    """Make prometheus_client's multiprocess values use ReservedMmapedDict.

    values.MultiProcessValue looks MmapedDict up in its module each time it opens a
    process's file; tests/test_observability.py fills a small tmpfs to keep this honest
    across prometheus_client upgrades.
    """
    values.MmapedDict = ReservedMmapedDict  # type: ignore[misc]  # replaced on purpose
