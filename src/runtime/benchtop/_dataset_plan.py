"""The lazy transformations of a dataset (take, skip, random_split, keep_columns, drop_columns), kept as a
small list of steps and applied when the data is read, as Azure's dataflow applies its steps.

A FileDataset's records are its files (in path order); a TabularDataset's are its rows.
random_split draws one number per record from random.Random(seed); the two halves share the seed (one is
chosen when none is given), so together they hold every record exactly once.
"""

import random

STEP_NAMES = {
    "skip": "Skip",
    "take": "Take",
    "random_split": "RandomSplit",
    "keep_columns": "KeepColumns",
    "drop_columns": "DropColumns",
}


def _check_count(count, what):
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        from ._exceptions import UserErrorException

        raise UserErrorException("%s count must be a non-negative integer, got %r." % (what, count))


def skip(plan, count):
    _check_count(count, "skip")
    return plan + [("skip", count)]


def take(plan, count):
    _check_count(count, "take")
    return plan + [("take", count)]


def random_split(plan, percentage, seed=None):
    if isinstance(percentage, bool) or not isinstance(percentage, (int, float)) or not 0 < percentage < 1:
        from ._exceptions import UserErrorException

        raise UserErrorException("percentage must be a number between 0 and 1 (exclusive), got %r." % (percentage,))
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    return plan + [("random_split", float(percentage), int(seed), 0)], plan + [
        ("random_split", float(percentage), int(seed), 1)
    ]


def columns(plan, kind, names):
    names = [names] if isinstance(names, str) else list(names)
    return plan + [(kind, names)]


def _split_mask(count, percentage, seed, part):
    draw = random.Random(seed)
    return [(draw.random() < percentage) == (part == 0) for _ in range(count)]


def apply_to_list(plan, items):
    """A FileDataset's files after the plan's steps (column steps do not apply to files)."""
    items = list(items)
    for step in plan:
        if step[0] == "skip":
            items = items[step[1] :]
        elif step[0] == "take":
            items = items[: step[1]]
        elif step[0] == "random_split":
            mask = _split_mask(len(items), step[1], step[2], step[3])
            items = [item for item, keep in zip(items, mask) if keep]
    return items


def leading_take(plan):
    """Rows enough to read when the plan starts with take(n) (so a preview reads only the head), else None."""
    if plan and plan[0][0] == "take":
        return plan[0][1]
    return None


def apply_to_frame(plan, frame):
    """A TabularDataset's DataFrame after the plan's steps; rows renumbered from 0 as Azure's are."""
    changed_rows = False
    for step in plan:
        if step[0] == "skip":
            frame, changed_rows = frame.iloc[step[1] :], True
        elif step[0] == "take":
            frame, changed_rows = frame.iloc[: step[1]], True
        elif step[0] == "random_split":
            frame, changed_rows = frame[_split_mask(len(frame), step[1], step[2], step[3])], True
        elif step[0] == "keep_columns":
            # Azure keeps the named columns that exist (validate_column_exists=False), in the dataset's order.
            frame = frame[[c for c in frame.columns if c in step[1]]]
        elif step[0] == "drop_columns":
            frame = frame.drop(columns=[c for c in step[1] if c in frame.columns])
    return frame.reset_index(drop=True) if changed_rows else frame
