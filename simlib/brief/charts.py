"""Charts of the briefs: matplotlib's object API, PNG images as ``data:`` URIs.

Nothing here touches matplotlib's global state: no state-machine interface
(figures are plain :class:`~matplotlib.figure.Figure` objects, never registered
with a figure manager, so the kernel's backend never shows them), no
``matplotlib.use`` and no change to ``matplotlib.rcParams``.  The CJK font
(Noto Sans CJK SC, shipped by the ``mpl-font`` package, whose module is never
imported) is registered with the font manager on the first chart and applied with :func:`style`, a
``matplotlib.rc_context`` around making and saving each figure::

    with charts.style():
        fig = Figure(figsize=(10, 3.6))
        ax = fig.subplots()
        ...
        uri = charts.figure_uri(fig)
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simlib.brief import labels, webfont


@functools.cache
def _cjk_font() -> str:
    """Register Noto Sans CJK SC with matplotlib's font manager (once) and return its family name."""
    from matplotlib import font_manager

    font = str(webfont.font_path())
    font_manager.fontManager.addfont(font)
    return font_manager.FontProperties(fname=font).get_name()


def rc() -> dict[str, object]:
    """The settings every brief chart is drawn with, for ``matplotlib.rc_context``."""
    return {"font.family": "sans-serif", "font.sans-serif": [_cjk_font(), "DejaVu Sans"],
            "axes.unicode_minus": False}


@contextmanager
def style() -> Iterator[None]:
    """Draw with the brief's font, so Chinese renders; rcParams are restored on leaving."""
    with matplotlib.rc_context(rc()):
        yield


def figure_uri(fig: Figure) -> str:
    """``fig`` as a ``data:image/png;base64,…`` URI (the brief is one self-contained file)."""
    buf = io.BytesIO()
    with style():
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def plain(text: object) -> str:
    """Scenario text for a chart: matplotlib would read ``$…$`` as mathematics."""
    return str(text).replace("$", r"\$")


def fan_chart(ax: Axes, years: Sequence, fan: dict, lang: str, scale: float = 1.0) -> None:
    """90% and 50% bands and the median of a quantile fan (keys p05 … p95), on ``ax``."""
    q = {k: np.asarray(v, dtype=float) * scale for k, v in fan.items()}
    ax.fill_between(years, q["p05"], q["p95"], color="#9ecae1", label=labels.t("revenue.fan_90", lang))
    ax.fill_between(years, q["p25"], q["p75"], color="#4292c6", label=labels.t("revenue.fan_50", lang))
    ax.plot(years, q["p50"], color="#08306b", lw=2, label=labels.t("revenue.fan_median", lang))
