"""FileDataset.mount(): a read-only folder of the dataset's files without copying them.

Azure mounts through FUSE; here the folder holds symlinks to the files (the workspace's blob store for a
registered dataset, which is read-only already) and its folders are made read-only, as a run's mounted
input is. A stored file this process could still write (as root, whom file modes do not stop) gets a
read-only copy instead of a link: a write through the mount would change the shared store (and every
model and dataset version with that content). stop() removes exactly what start() made.
"""

import logging
import os
import shutil
import stat
import tempfile

from ._exceptions import UserErrorException


class MountContext(object):
    """What dataset.mount() returns: `with dataset.mount() as mount: mount.mount_point`, or start()/stop()."""

    def __init__(self, files, mount_point=None, stored=False):
        self._files = list(files)
        # The files are the workspace's blob store's (a registered dataset): never linked where writable.
        self._stored = stored
        # As azureml-core's mount(): a new temp folder when none is given, named at once.
        self._made_root = not mount_point or str(mount_point).isspace()
        self._root = (
            tempfile.mkdtemp(prefix="benchtop-mount-") if self._made_root else os.path.abspath(os.fspath(mount_point))
        )
        self._made = []
        self._started = False
        self._root_mode = 0o755

    @property
    def mount_point(self):
        return self._root

    def start(self):
        if self._started:
            return
        if not os.path.exists(self._root):
            os.makedirs(self._root)
            self._made.append(self._root)
        elif self._made_root and not os.listdir(self._root):
            self._made.append(self._root)
        elif os.listdir(self._root):
            # azureml-core's text, its line continuation's spaces included.
            raise UserErrorException(
                "Dataset mount point must be empty, mounting dataset to non-empty folder                 is not "
                "supported."
            )
        self._root_mode = stat.S_IMODE(os.stat(self._root).st_mode)
        copied = 0
        try:
            for relative, source in self._files:
                link = os.path.join(self._root, *relative.split("/"))
                self._make_parents(os.path.dirname(link))
                if self._stored and os.access(source, os.W_OK):
                    self._made.append(link)
                    shutil.copyfile(source, link)
                    os.chmod(link, 0o444)
                    copied += 1
                else:
                    os.symlink(os.path.abspath(source), link)
                    self._made.append(link)
            for folder in self._folders():
                os.chmod(folder, 0o555)
        except BaseException:
            self.stop()
            raise
        if copied:
            logging.getLogger("azureml.data").warning(
                "Mounted %d stored file(s) at %s as read-only copies, not links: this process can write the "
                "workspace's stored files (running as root), and a write through a link would change them.",
                copied,
                self._root,
            )
        self._started = True

    def _make_parents(self, folder):
        missing = []
        while not os.path.isdir(folder):
            missing.append(folder)
            folder = os.path.dirname(folder)
        for path in reversed(missing):
            os.mkdir(path)
            self._made.append(path)

    def _folders(self):
        """The folders inside the mount (and the mount point), deepest first."""
        made = [p for p in self._made if os.path.isdir(p) and not os.path.islink(p)]
        return sorted(set(made) | {self._root}, key=len, reverse=True)

    def stop(self):
        if self._root and os.path.isdir(self._root):
            for folder in self._folders():
                os.chmod(folder, self._root_mode if folder == self._root else 0o755)
        # Newest first: the links, then the folders this context made (an existing mount point stays).
        for path in reversed(self._made):
            if os.path.islink(path) or os.path.isfile(path):
                os.remove(path)
            elif os.path.isdir(path):
                try:
                    os.rmdir(path)
                except OSError:
                    pass
        self._made = []
        self._started = False

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *args):
        self.stop()

    def __repr__(self):
        return "MountContext(mount_point=%r)" % self._root
