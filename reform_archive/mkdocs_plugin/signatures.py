"""What goes into a finished page besides its own Markdown and path, read from the MkDocs
configuration: the keys of the finished-page cache (`reform_archive.rendered`) and of the search
entries. MkDocs knowledge, so it sits with the plugin."""


from __future__ import annotations

import hashlib
import importlib.metadata
import re
import types
from pathlib import Path
from typing import Any, Iterable

from mkdocs.config.defaults import MkDocsConfig

from ..code_graph import code_version, distributions

# Options that do not change what a page looks like: where the site goes, how it is served.
_NOT_IN_PAGES = frozenset({"site_dir", "dev_addr", "watch", "strict", "validation", "config_file_path",
                           "plugins"})
# The code a page goes through on its way out: the plugin and all it imports (MkDocs among them);
# the theme, the other plugins and the Markdown extensions are added from the configuration.
PAGE_CODE = ("reform_archive.mkdocs_plugin.plugin",)
# What a report's search entry is made by: its HTML sanitised, its text taken.
CONTENT_CODE = ("reform_archive.site.sanitize", "reform_archive.search.text", "reform_archive.site.pages")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _stable(value: Any) -> str:
    """A text for a configuration value that is the same in every process."""
    if isinstance(value, dict) or hasattr(value, "items") and not isinstance(value, (str, bytes)):
        try:
            items = sorted((str(k), _stable(v)) for k, v in value.items())
        except Exception:  # noqa: BLE001 - odd mappings fall back to their repr
            return _ADDRESS.sub("", repr(value))
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_stable(v) for v in value) + "]"
    return _ADDRESS.sub("", repr(value))


def _tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _markdown_distributions(config: MkDocsConfig) -> tuple[str, ...]:
    """The distributions of the configured Markdown extensions (`pymdownx.…` → pymdown-extensions;
    a short name such as `toc` is Python-Markdown's own)."""
    tops = {"markdown"} | {str(name).split(".")[0] for name in config.markdown_extensions
                           if isinstance(name, str) and "." in name}
    return tuple(sorted(distributions(tops)))


def _configured_distributions(config: MkDocsConfig) -> tuple[str, ...]:
    """The distributions that shape every page besides ours: the theme's, the plugins', the
    Markdown extensions'."""
    tops = {type(plugin).__module__.split(".")[0] for plugin in config.plugins.values()}
    for entry in importlib.metadata.entry_points(group="mkdocs.themes"):
        if entry.name == config.theme.name:
            tops.add(entry.value.split(".")[0].split(":")[0])
    return tuple(sorted(distributions(tops) | set(_markdown_distributions(config))))


def site_signature(config: MkDocsConfig, nav_entries: Iterable[tuple[str, str]]) -> str:
    """Everything besides a page's own Markdown and path that goes into it.

    `nav_entries`: (path, what the navigation shows of it) for every page that can be in the
    navigation: its title when we generated it, a hash of its source otherwise."""
    h = hashlib.sha256(code_version(*PAGE_CODE, extra=_configured_distributions(config)).encode())
    for key in sorted(config.keys()):
        if key not in _NOT_IN_PAGES:
            h.update(f"{key}={_stable(config[key])}\n".encode())
    # Plugins change pages through their options (a plugin's own code is in its version).
    for name, plugin in config.plugins.items():
        if isinstance(plugin, types.ModuleType):   # a hook of mkdocs.yml's `hooks:`: its code is in no version
            source = Path(plugin.__file__).read_bytes() if getattr(plugin, "__file__", None) else b""
            h.update(f"hook {name} {hashlib.sha256(source).hexdigest()}\n".encode())
        else:
            h.update(f"plugin {name} {_stable(dict(plugin.config))}\n".encode())
    h.update(f"theme {_stable(dict(config.theme))}\n".encode())
    site_packages = Path(importlib.metadata.distribution("mkdocs").locate_file("")).resolve()
    for folder in config.theme.dirs:
        folder_path = Path(folder).resolve()
        if not folder_path.is_relative_to(site_packages):
            h.update(f"theme dir {folder}: {_tree_hash(folder_path)}\n".encode())  # overrides
    for path, shown in sorted(nav_entries):
        h.update(f"nav {path} {shown}\n".encode())
    return h.hexdigest()


def content_signature(config: MkDocsConfig) -> str:
    """What a report's search entry is made of besides its Markdown and path: the configured
    Markdown extensions and the code that takes its text. Unlike `site_signature`, it does not
    change with the theme or `site_url`, so `mkdocs serve` and `mkdocs build` share one search
    index base."""
    h = hashlib.sha256(code_version(*CONTENT_CODE, extra=_markdown_distributions(config)).encode())
    for key in ("markdown_extensions", "mdx_configs", "use_directory_urls"):
        h.update(f"{key}={_stable(config[key])}\n".encode())
    return h.hexdigest()
