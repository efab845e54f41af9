"""The user's settings: `parktrack config lang zh-Hans`."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from parktrack.cli.common import LEDGER, app
from parktrack.i18n import _


@app.command("config", rich_help_panel=LEDGER)
def config_command(
    key: Annotated[str | None, typer.Argument(metavar="KEY", help="The setting: lang.", show_default=False)] = None,
    value: Annotated[
        str | None,
        typer.Argument(metavar="VALUE", help="The new value: zh-Hans, zh-Hant or en.", show_default=False),
    ] = None,
) -> None:
    """Show or change your own settings (the interface language), kept in a small file of yours."""
    from parktrack import config

    path = config.config_path(os.environ)
    if key is None:
        settings = config.read_config(path)
        print(_("config file: {path}").format(path=path))
        for name in config.KEYS:
            print(f"{name} = {settings.get(name, '')}")
        return
    config.check_key(key)
    if value is None:
        print(config.read_config(path).get(key, ""))
        return
    stored = config.check_setting(key, value)
    config.write_setting(path, key, stored)
    print(_("{key} = {value} (written to {path})").format(key=key, value=stored, path=path))
