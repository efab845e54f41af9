"""The ledger's fixed words: statuses, lights, kinds, their labels and the variants people type. Import-cheap."""

from __future__ import annotations

from parktrack.errors import UsageError
from parktrack.i18n import N_, _, current_language

# The ledger's own labels, as the document writes them (commit messages and trailers use these).
STATUS_LABELS = {
    "not_started": "未啟動",
    "in_progress": "推進中",
    "done": "已完成",
    "blocked": "受阻",
    "ongoing": "常態化推進",
}
STATUSES = tuple(STATUS_LABELS)
KINDS = {"key": "key_task", "key_task": "key_task", "measure": "measure", "assigned": "assigned"}
ROLES = ("lead", "support")

# The interface's words for statuses and lights (English msgids; 未启动/未啟動, 红灯/紅燈 in the catalogs).
_STATUS_WORDS = {
    "not_started": N_("not started"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "blocked": N_("blocked"),
    "ongoing": N_("ongoing"),
}
_LIGHT_WORDS = {
    "red": N_("red"),
    "yellow": N_("yellow"),
    "green": N_("green"),
    "late": N_("late"),
    "waiting": N_("waiting"),
}
_KIND_WORDS = {"key_task": N_("key task"), "measure": N_("measure"), "assigned": N_("assigned item")}
# An indicator's kind and comparison, a unit's kind: codes in JSON, words in tables and CSV.
INDICATOR_KIND_WORDS = {
    "level": N_("level"),
    "count": N_("count added"),
    "growth": N_("growth rate"),
    "share": N_("share"),
    "periodic_count": N_("count per period"),
    "rank_change": N_("rank change"),
    "margin": N_("margin over a reference"),
    "milestone": N_("milestone (yes/no)"),
}
_UNIT_KIND_WORDS = {"unit": N_("unit"), "group": N_("unit group")}
COMPARISON_WORDS = {"at_least": N_("at least"), "at_most": N_("at most"), "about": N_("about")}
_PERIOD_WORDS = {"year": N_("the year"), "quarter": N_("each quarter"), "half": N_("each half-year")}
_ROLE_WORDS = {"lead": N_("lead"), "support": N_("support")}

# What people type for a status, besides its id and label: English words, and Chinese words
# written here in simplified (typed text is folded to simplified before it is looked up).
_STATUS_VARIANTS = {
    "not started": "not_started",
    "todo": "not_started",
    "in progress": "in_progress",
    "started": "in_progress",
    "doing": "in_progress",
    "completed": "done",
    "complete": "done",
    "未开始": "not_started",
    "未启动": "not_started",
    "尚未启动": "not_started",
    "尚未开始": "not_started",
    "进行中": "in_progress",
    "推进中": "in_progress",
    "正在推进": "in_progress",
    "已启动": "in_progress",
    "完成": "done",
    "已完成": "done",
    "办结": "done",
    "已办结": "done",
    "受阻": "blocked",
    "阻塞": "blocked",
    "停滞": "blocked",
    "常态化推进": "ongoing",
    "常态化": "ongoing",
    "持续推进": "ongoing",
}


def status_label(status: str) -> str:
    """A status in the interface language: 推进中 / 推進中 / in progress."""
    return _(_STATUS_WORDS[status]) if status in _STATUS_WORDS else status


def light_label(light: str) -> str:
    """A light in the interface language: 红灯 / 紅燈 / red."""
    return _(_LIGHT_WORDS[light]) if light in _LIGHT_WORDS else light


def kind_label(kind: str) -> str:
    """An item's, an indicator's or a unit's kind in the interface language (their codes differ)."""
    words = _KIND_WORDS.get(kind) or INDICATOR_KIND_WORDS.get(kind) or _UNIT_KIND_WORDS.get(kind)
    return _(words) if words else kind


def comparison_label(comparison: str) -> str:
    return _(COMPARISON_WORDS[comparison]) if comparison in COMPARISON_WORDS else comparison


def period_label(period: str) -> str:
    """An indicator's reporting period (year, quarter, half); a figure's own period (2024Q2) as it is."""
    return _(_PERIOD_WORDS[period]) if period in _PERIOD_WORDS else period


def role_label(role: str) -> str:
    return _(_ROLE_WORDS[role]) if role in _ROLE_WORDS else role


def status_from_input(text: str) -> str | None:
    """A status id, its label or a common variant, in English or Chinese (either script); None if unknown."""
    value = text.strip()
    english = value.lower().replace("-", " ").replace("_", " ")
    if english.replace(" ", "_") in STATUS_LABELS:
        return english.replace(" ", "_")
    if english in _STATUS_VARIANTS:
        return _STATUS_VARIANTS[english]
    by_label = {label: status for status, label in STATUS_LABELS.items()}
    if value in by_label:
        return by_label[value]
    if value.isascii():
        return None
    from parktrack.names import fold

    return _STATUS_VARIANTS.get(fold("".join(value.split())))  # 已 完成: a Chinese label holds no spaces


def accepted_statuses() -> str:
    """The statuses as the interface names them, for messages and help."""
    if current_language() == "en":
        return ", ".join(STATUSES)
    return "、".join(status_label(s) for s in STATUSES)


def parse_status(text: str) -> str:
    """A typed status as its id; an unknown word is a usage error listing the accepted ones."""
    status = status_from_input(text)
    if status is None:
        raise UsageError(
            _("unknown status '{text}'; use one of: {statuses}").format(text=text, statuses=accepted_statuses())
        )
    return status
