"""What a report's Markdown will cost to render, known before it is rendered.

Python-Markdown's link and image parsing is quadratic in the brackets left open: at each `[`
its link, image and reference parsers step through the text to the matching `]`, and after
each `](` to the matching `)`, character by character in Python, to the end of the paragraph
when there is none; a raw-HTML `<` is scanned to its `>`. A body of 40,000 × `[a](` (160 KB,
well inside the size limit) took 36 s, 20,000 × `![` 47 s. MkDocs renders pages one after
the other, so one such report would stall the whole build.

`markdown_cost` counts, in one pass over the brackets only (the text between them is skipped
by the regular expression), the characters those scans would step through: the distance from
each opener to its match, or to the end of its paragraph. A report above `MAX_SCAN_STEPS` is an
error, before anything is rendered: at the 2–7 million steps a second measured on a busy
machine, the limit is a second or two of rendering, and real reports (a few links a paragraph)
stay hundreds of times below it. The count mostly errs high (a bracket inside a code span
counts too); it follows the parsers' bracket nesting but not their handling of a quoted link
title, after which a `)` may not close the scan: a known gap, not a guarantee.
"""

from __future__ import annotations

import re

from .problems import Problem, error

MAX_SCAN_STEPS = 5_000_000
# A `[` is scanned by three parsers (inline link, reference, short reference; their image
# twins after `!`), a `(` or `<` by one.
SQUARE_WEIGHT = 3
# Paragraph breaks, escaped brackets (not openers), and the brackets the parsers scan between.
_TOKEN = re.compile(r"\n[ \t]*\n|\\[\[\]()<>]|[\[\]()<>]")


def markdown_cost(body: str, limit: int = MAX_SCAN_STEPS) -> tuple[int, int]:
    """(steps, offset of the paragraph where the count passed `limit`, or 0); counting stops
    there, so the pass costs no more than the limit allows however many brackets there are."""
    # Few openers in a body: even scanned to its end each, they are cheap (most reports).
    openers = SQUARE_WEIGHT * body.count("[") + body.count("](") + body.count("<")
    if openers * len(body) <= limit:
        return 0, 0
    done = 0           # steps of the brackets closed, and of the paragraphs ended
    start = 0          # the current paragraph's offset
    # The open brackets of the paragraph, as (count, sum of offsets): what they cost at offset
    # x is count * x - sum, the scans from each to x.
    squares: list[int] = []
    squares_n = squares_sum = 0
    parens: list[tuple[int, bool]] = []   # offset, and whether it opens a link's target (after `]`)
    links_n = links_sum = 0
    angles_n = angles_sum = 0
    last_close = -2    # offset of the last `]` that closed a `[`
    for match in _TOKEN.finditer(body):
        token, at = match.group(), match.start()
        first = token[0]
        if first == "\n":
            done += (SQUARE_WEIGHT * (squares_n * at - squares_sum) + links_n * at - links_sum
                     + angles_n * at - angles_sum)
            if done > limit:
                return done, start
            squares.clear(), parens.clear()
            squares_n = squares_sum = links_n = links_sum = angles_n = angles_sum = 0
            start = match.end()
            continue
        if first == "\\":
            continue
        if first == "[":
            squares.append(at)
            squares_n += 1
            squares_sum += at
        elif first == "]":
            if squares:
                opened = squares.pop()
                squares_n -= 1
                squares_sum -= opened
                done += SQUARE_WEIGHT * (at - opened)
                last_close = at
        elif first == "(":
            link = last_close == at - 1
            parens.append((at, link))
            if link:
                links_n += 1
                links_sum += at
        elif first == ")":
            if parens:
                opened, link = parens.pop()
                if link:
                    links_n -= 1
                    links_sum -= opened
                    done += at - opened
        elif first == "<":
            angles_n += 1
            angles_sum += at
        else:  # ">" ends the scan of every `<` before it
            done += angles_n * at - angles_sum
            angles_n = angles_sum = 0
        pending = SQUARE_WEIGHT * (squares_n * at - squares_sum) + links_n * at - links_sum + angles_n * at - angles_sum
        if done + pending > limit:
            return done + pending + 1, start
    end = len(body)
    done += SQUARE_WEIGHT * (squares_n * end - squares_sum) + links_n * end - links_sum + angles_n * end - angles_sum
    return done, start if done > limit else 0


def costly_markdown(body: str, name: str, first_line: int) -> list[Problem]:
    """An error when rendering `body` (which starts at line `first_line` of file `name`)
    would pass the limit; else nothing."""
    steps, offset = markdown_cost(body)
    if steps <= MAX_SCAN_STEPS:
        return []
    line = first_line + body.count("\n", 0, offset)
    return [error(name, (
        f"too costly to render: the brackets left open in the paragraph from line {line} "
        f"(`[`, `](`, `<` with no `]`, `)`, `>`) would make Python-Markdown step through over "
        f"{MAX_SCAN_STEPS:,} characters, seconds to minutes for this one report (its link "
        "parsing is quadratic in them); close them, escape them as `\\[`, or split the paragraph "
        "/ 正文中未闭合的括号过多，渲染会极慢"), line)]
