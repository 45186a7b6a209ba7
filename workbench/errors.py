"""The workbench's own errors: one root, a few kinds, each with the exit code the command line gives it.

Every error the workbench raises on purpose derives from :class:`WorkbenchError` and carries a message
written for the person who must act on it (what is wrong, where, and how to fix it). Errors with a list
of located problems (an import, a source load) keep that list on the exception.

=====================  ====  ===========================================================
kind                   exit  meaning
=====================  ====  ===========================================================
``InputError``            1  a file, a value or a model change is wrong; nothing was written
``ConflictError``         1  someone else saved meanwhile; nothing was written
``StorageError``          1  the store or a file cannot be read or written
``NotFoundError``         2  no such workspace, source, journey …
``UsageError``            2  the request itself does not make sense (options that clash …)
=====================  ====  ===========================================================
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """Anything the workbench refuses or cannot do, with a message meant for the user."""

    exit_code = 1


class InputError(WorkbenchError, ValueError):
    """Input is wrong (a file, a value, a model change that breaks an invariant); nothing was written."""


class ConflictError(WorkbenchError):
    """Someone else changed what this write was based on; nothing was written."""


class StorageError(WorkbenchError):
    """The store, a cache or an output file cannot be opened, read or written."""


class NotFoundError(WorkbenchError, KeyError):
    """Something named does not exist (a workspace, a source, a journey …)."""

    exit_code = 2

    def __str__(self) -> str:  # KeyError quotes its argument; a message should read as a sentence
        return str(self.args[0]) if self.args else ""


class UsageError(WorkbenchError, ValueError):
    """The request does not make sense as asked (clashing options, a missing choice)."""

    exit_code = 2


def exit_code(exc: BaseException) -> int:
    """The command line's exit code for ``exc``: its kind's code for a workbench error, else 1.

    >>> exit_code(NotFoundError("no source 'x'")), exit_code(InputError("bad row")), exit_code(OSError())
    (2, 1, 1)
    """
    return exc.exit_code if isinstance(exc, WorkbenchError) else 1
