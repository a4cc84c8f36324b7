"""One file copy that nothing sees half-done: dataset downloads and datastore transfers use it."""

import os
import shutil
import tempfile


def atomic_copy(source, destination):
    """Copies beside the destination, then renames over it: a failure leaves the old file (or none)."""
    os.makedirs(os.path.dirname(destination), exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=".benchtop-", dir=os.path.dirname(destination))
    os.close(fd)
    try:
        shutil.copyfile(source, staging)
        os.chmod(staging, 0o644)
        os.replace(staging, destination)
    except BaseException:
        if os.path.exists(staging):
            os.remove(staging)
        raise
