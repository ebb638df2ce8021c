"""The charts' colours, light and dark, in one SVG file.

matplotlib writes each colour into a ``style`` attribute; ``themed_svg`` rewrites every
colour of the palette there as ``var(--csi-<name>, <light>)`` and adds a style sheet
that sets the dark values when the file is shown as ``chart.svg#dark`` (the root
``<svg id="dark">`` is then the ``:target``). The page shows the same file twice, one
image per colour scheme, and hides the one of the other scheme; a browser fetches the
file once, and the chart is drawn once.
"""

from __future__ import annotations

import re

# Okabe–Ito: distinguishable with the common colour-vision deficiencies. Every line
# also has its own dash pattern and a direct label, so colour is never the only cue.
# Dark: the same hues lighter, on the dark theme's background (Material's slate).
PALETTE: dict[str, tuple[str, str]] = {
    "ink": ("#000000", "#d5d8de"),
    "paper": ("#ffffff", "#1e2129"),
    "grid": ("#dddddd", "#3b404c"),
    "blue": ("#0072b2", "#6cbcf0"),
    "green": ("#009e73", "#3ccf9f"),
    "vermillion": ("#d55e00", "#ff8f4d"),
    "purple": ("#cc79a7", "#e8a1c9"),
    "sky": ("#56b4e9", "#56b4e9"),
    "orange": ("#e69f00", "#f2b83a"),
    "grey": ("#555555", "#a3a8b3"),  # not Okabe–Ito: the as-of line and notes
}
INK, PAPER, GRID, BLUE, GREEN, VERMILLION, PURPLE, SKY, ORANGE, GREY = (
    light for light, _ in PALETTE.values()
)

DARK = "dark"
"""The fragment that shows a chart in its dark colours: ``chart.svg#dark``."""

_NAMES = {light: name for name, (light, _) in PALETTE.items()}
_STYLED = re.compile(r'(<[a-zA-Z][^<>]*? style=")([^"]*)"')
_COLOUR = re.compile(r"#[0-9a-f]{6}\b")
_SHEET = (
    "svg:target{"
    + ";".join(f"--csi-{name}:{dark}" for name, (_, dark) in PALETTE.items())
    + "}text{fill:var(--csi-ink,#000000)}"
)


def _var(match: re.Match[str]) -> str:
    colour = match.group(0)
    name = _NAMES.get(colour)
    return f"var(--csi-{name}, {colour})" if name else colour


def _styled(match: re.Match[str]) -> str:
    return f'{match.group(1)}{_COLOUR.sub(_var, match.group(2))}"'


def themed_svg(svg: bytes) -> bytes:
    """matplotlib's SVG with its palette colours switchable by ``#dark``. Only the
    ``style`` attributes of tags are rewritten: text (titles, labels) is escaped by
    matplotlib, holds no tag, and stays as it was."""
    text = svg.decode("utf-8")
    text = _STYLED.sub(_styled, text)
    # The root element is the target of #dark; its style sheet sets the dark values.
    text = text.replace("<svg ", f'<svg id="{DARK}" ', 1)
    text = text.replace('<style type="text/css">', f'<style type="text/css">{_SHEET}', 1)
    return text.encode("utf-8")
