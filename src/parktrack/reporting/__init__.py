"""The dispatch-meeting report: content (plain data) -> layout (words) -> a writer chosen by format.

`content` and `layout` are cheap to import; `write` imports matplotlib and, for .docx, python-docx.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from parktrack.errors import UsageError, WriteError, os_reason
from parktrack.files import replace_through_temporary
from parktrack.i18n import _
from parktrack.reporting.content import Report

ReportFormat = Literal["html", "docx", "md"]
FORMATS: dict[str, ReportFormat] = {".html": "html", ".htm": "html", ".docx": "docx", ".md": "md"}


def format_of(path: Path) -> ReportFormat:
    """The report's format, from the file's extension."""
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise UsageError(
            _("{path}: unknown report format '{suffix}'; name the file .html, .docx or .md").format(
                path=path, suffix=path.suffix
            )
        )
    return found


@dataclass(frozen=True)
class Written:
    files: list[Path]
    cjk_font: str | None  # the font the charts' Chinese labels were drawn with; None: none was found


def write(report: Report, path: Path) -> Written:
    """Write the report to `path` in the format its extension names (charts beside a .md file)."""
    fmt = format_of(path)
    try:  # a folder for the meeting (会议/2024Q2/) is made, as `export -o` and `sheets -o` make theirs
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _cannot_write(path, error) from None
    _writable(path)  # before matplotlib is imported and the charts drawn: a second or two
    from parktrack.reporting import charts, layout

    images = charts.draw(report, "png" if fmt == "docx" else "svg")
    doc = layout.document(report, images)
    files = [path]
    if fmt == "html":
        from parktrack.reporting import html_writer

        _replace(path, lambda temp: temp.write_text(html_writer.render(doc), encoding="utf-8"))
    elif fmt == "docx":
        from parktrack.reporting import docx_writer

        _replace(path, lambda temp: docx_writer.write(doc, temp))
    else:
        from parktrack.reporting import md_writer

        folder = md_writer.chart_folder(path)
        try:
            folder.mkdir(exist_ok=True)
        except OSError as error:
            raise _cannot_write(folder, error) from None
        for image in images:
            target = folder / md_writer.file_name(image)
            _replace(target, lambda temp, data=image.data: temp.write_bytes(data))  # type: ignore[misc]
            files.append(target)
        _replace(path, lambda temp: temp.write_text(md_writer.render(doc, folder.name), encoding="utf-8"))
    return Written(files, charts.cjk_font())


def _writable(path: Path) -> None:
    """Fail at once where the folder refuses new files (read-only, full, or not a real folder)."""
    try:
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as error:
        raise _cannot_write(path, error) from None


def _replace(path: Path, fill: Callable[[Path], object]) -> None:
    """Write beside `path` and rename over it, so a reader never sees half a report."""
    try:
        replace_through_temporary(path, fill)
    except OSError as error:  # a read-only folder, a full disk
        raise _cannot_write(path, error) from None


def _cannot_write(path: Path, error: OSError) -> WriteError:
    return WriteError(_("{path}: cannot write the report: {reason}").format(path=path, reason=os_reason(error)))
