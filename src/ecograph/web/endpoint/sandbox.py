"""Operating-system limits for the query worker processes: no network, bounded memory.

The guard refuses ``SERVICE`` before a query reaches a worker; this is the second wall, for the
day a parser bug lets one through. A seccomp filter (installed with ``prctl``, no privileges
needed) makes ``socket()`` fail with EPERM for every address family but ``AF_UNIX`` (the pipe to
the web process is a Unix socket pair made before the filter) and forbids ``io_uring_setup``,
whose ring can open sockets without the ``socket`` system call. A worker can then reach no host,
loopback included, whatever it is asked to run.

Memory: ``RLIMIT_DATA`` caps the worker's heap (anonymous memory included, Linux ≥ 4.7), so a query
that builds a gigabyte-sized string makes its own worker fail instead of the machine swap.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import platform
import resource
import struct

log = logging.getLogger(__name__)

# linux/audit.h and the syscall tables of each architecture
_ARCH = {
    "x86_64": (0xC000003E, 41, 425),  # AUDIT_ARCH_X86_64, __NR_socket, __NR_io_uring_setup
    "aarch64": (0xC00000B7, 198, 425),
}
_X32_BIT = 0x40000000  # x86-64's x32 system calls: same arch value, numbers above this bit
_AF_UNIX = 1
_EPERM = 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_W_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06


class SandboxError(OSError):
    """The filter could not be installed (unknown architecture, or the kernel refused it)."""


def _program(arch: int, nr_socket: int, nr_io_uring: int) -> bytes:
    allow, deny = 8, 9  # instruction indexes below; a jump is relative to the next instruction
    code = [
        (_LD_W_ABS, 0, 0, 4),  # 0: seccomp_data.arch
        (_JEQ, 0, allow - 2, arch),  # 1: another ABI (e.g. i386 compat): not ours to judge
        (_LD_W_ABS, 0, 0, 0),  # 2: seccomp_data.nr
        (_JGE, deny - 4, 0, _X32_BIT),  # 3: x32 system calls
        (_JEQ, deny - 5, 0, nr_io_uring),  # 4
        (_JEQ, 0, allow - 6, nr_socket),  # 5
        (_LD_W_ABS, 0, 0, 16),  # 6: args[0] (the address family; low 32 bits, little-endian)
        (_JEQ, allow - 8, deny - 8, _AF_UNIX),  # 7
        (_RET, 0, 0, _RET_ALLOW),  # 8
        (_RET, 0, 0, _RET_ERRNO | _EPERM),  # 9
    ]
    return b"".join(struct.pack("HBBI", *insn) for insn in code)


def forbid_network() -> None:
    """Install the filter in this process (and every thread and child it starts afterwards)."""
    machine = platform.machine()
    if machine not in _ARCH:
        raise SandboxError(f"no seccomp filter for architecture {machine!r}")
    program = _program(*_ARCH[machine])
    buffer = ctypes.create_string_buffer(program, len(program))

    class _Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = _Fprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise SandboxError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")


def limit_memory(megabytes: int) -> None:
    """Cap this process's data segment (heap and anonymous mappings); 0: no cap."""
    if megabytes <= 0:
        return
    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
