"""The site's address as mkdocs.yml sets it, for `serve`.

MkDocs' `serve` replaces `site_url` with the dev server's address (http://127.0.0.1:8000/)
before any plugin sees the configuration. Every page names it (the canonical link; our
citations and exports), so a `serve` after a `build` rendered every page again: 156–262 s at
10,000 reports, before the first page was shown. The plugin puts the configured address back,
unless the theme needs the dev address to work while served (`theme.needs_served_address`).
"""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.exceptions import ConfigurationError
from mkdocs.utils.yaml import yaml_load

# The option as MkDocs declares and normalises it (a trailing slash added, say).
_SITE_URL = c.Optional(c.URL(is_dir=True))


def configured_site_url(config_file: str) -> str | None:
    """`site_url` as the configuration file (and any file it INHERITs) sets it, normalised as
    MkDocs does; None when it sets none. The file was read by MkDocs just before: an error here
    is MkDocs' own, raised again."""
    with open(config_file, "rb") as handle:
        raw = yaml_load(handle) or {}
    try:
        return _SITE_URL.validate(raw.get("site_url"))
    except c.ValidationError as exc:
        raise ConfigurationError(f"{config_file}: site_url: {exc}") from None
