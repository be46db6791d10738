"""How Chinese texts mark their bibliography: a `参考文献` heading, numbered citation lines.

The cited books are not what a report is about: metadata leaves them out, the gazetteer does
not locate a report by its publishers' cities, and an empty trailing `参考文献：` is page chrome.
"""

from __future__ import annotations

import re

# `【6】…`, `[6] …`, `［6］…` at the start of a line.
CITATION_LINE = re.compile(r"^\s*(?:【\d+】|\[\d+\]|［\d+］)")
REFERENCES_HEADING = re.compile(r"^\s*(?:参考文献|注释|参考资料)\s*[:：]?\s*$")
