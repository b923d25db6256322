"""Small text helpers the pages share (so "2 days 3 hours" reads the same everywhere)."""

from datetime import timedelta


def _plural(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


def duration_text(delta: timedelta) -> str:
    """A length of time in its two largest units, as people say it: "2 days 3 hours", "5 hours 10 minutes".

    Minutes are dropped once the time passes a day; a negative or tiny time is "less than a minute".
    """
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        parts = [(days, "day"), (hours, "hour")]
    elif hours:
        parts = [(hours, "hour"), (minutes, "minute")]
    else:
        parts = [(minutes, "minute")]
    return " ".join(_plural(number, unit) for number, unit in parts if number)


def yes_no_not_known(value: bool | None) -> str:
    return "Not known" if value is None else ("Yes" if value else "No")
