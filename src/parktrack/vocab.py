"""The ledger's fixed words: statuses, kinds and their Chinese labels. Import-cheap."""

from __future__ import annotations

STATUS_LABELS = {
    "not_started": "未啟動",
    "in_progress": "推進中",
    "done": "已完成",
    "blocked": "受阻",
    "ongoing": "常態化推進",
}
STATUSES = tuple(STATUS_LABELS)
KINDS = {"key": "key_task", "key_task": "key_task", "measure": "measure"}
ROLES = ("lead", "support")


def status_from_input(text: str) -> str | None:
    """Accept a status id or its Chinese label, simplified or traditional."""
    value = text.strip()
    if value in STATUS_LABELS:
        return value
    by_label = {label: status for status, label in STATUS_LABELS.items()}
    if value in by_label:
        return by_label[value]
    from parktrack.names import fold

    folded = {fold(label): status for label, status in by_label.items()}
    return folded.get(fold(value))
