"""The book's figure style and the plots that recur across chapters.

Figures have a white background (readable in a dark-mode browser), labelled axes and
the colour-blind-safe Okabe–Ito palette (Okabe and Ito, 2008).
"""

from __future__ import annotations

import numpy as np

__all__ = ["PALETTE", "use_book_style", "new_axes", "plot_distributions"]

#: The Okabe–Ito palette, distinguishable under the common colour-vision deficiencies.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}

_CYCLE = ["blue", "orange", "green", "vermillion", "sky", "purple", "black", "yellow"]


def use_book_style():
    """Set matplotlib's defaults to the book's style (call once per notebook).

    White figure and axes backgrounds, the Okabe–Ito colour cycle, a light grid,
    readable font sizes, and a fixed figure size and resolution so that figures
    look the same in every chapter.

    Examples
    --------
    >>> import matplotlib
    >>> from xentlib.plotting import use_book_style
    >>> use_book_style()
    >>> matplotlib.rcParams["figure.facecolor"]
    'white'
    """
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(
        {
            "figure.facecolor": "white",
            "axes.facecolor": "white",
            "savefig.facecolor": "white",
            # 5.6 in at 100 dpi: a phone (390 px) shows the figure at about 0.6 of its
            # size, so 11 pt text stays at about 9.5 CSS px, readable
            "figure.figsize": (5.6, 3.5),
            "figure.dpi": 100,
            "axes.prop_cycle": cycler(color=[PALETTE[c] for c in _CYCLE]),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 11,
            "legend.frameon": False,
            "lines.linewidth": 2.0,
        }
    )


def new_axes(xlabel, ylabel, *, title=None, ncols=1, nrows=1, figsize=None):
    """A new figure with labelled axes: ``fig, ax`` (``ax`` an array of several panels).

    Parameters
    ----------
    xlabel, ylabel : str or sequence of str
        Axis labels; for several panels, one string for all or one per panel.
    title : str or sequence of str, optional
        Panel title(s).
    ncols : int, default 1
        Number of panels side by side.
    nrows : int, default 1
        Number of panels one above the other (stacked panels stay readable on a phone);
        the panels are numbered row by row.
    figsize : tuple of float, optional
        Figure size in inches; the style's default if omitted.

    Returns
    -------
    fig : matplotlib Figure
    axes : matplotlib Axes, or a flat array of them when ``ncols * nrows > 1``

    Examples
    --------
    >>> from xentlib.plotting import new_axes
    >>> fig, ax = new_axes("logit $z$", "loss (nats)")
    >>> ax.get_xlabel()
    'logit $z$'
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, layout="constrained")
    if nrows > 1:
        axes = axes.ravel()
    flat = np.atleast_1d(axes)
    n = ncols * nrows
    xs = [xlabel] * n if isinstance(xlabel, str) else list(xlabel)
    ys = [ylabel] * n if isinstance(ylabel, str) else list(ylabel)
    titles = [title] * n if title is None or isinstance(title, str) else list(title)
    if not (len(xs) == len(ys) == len(titles) == n):
        raise ValueError("xlabel, ylabel and title need one entry per panel (ncols * nrows)")
    for ax, xl, yl, t in zip(flat, xs, ys, titles, strict=True):
        ax.set_xlabel(xl)
        ax.set_ylabel(yl)
        if t:
            ax.set_title(t)
    return fig, axes


def plot_distributions(ax, categories, distributions, *, ylabel="probability"):
    """Grouped bars of several distributions over the same ``categories``.

    Parameters
    ----------
    ax : matplotlib Axes
    categories : sequence of str
        The outcomes, one bar group each.
    distributions : dict
        ``{legend label: probabilities}``, each of ``len(categories)``.
    ylabel : str

    Returns
    -------
    matplotlib Axes
        ``ax``, with one bar group per category and a legend.

    Examples
    --------
    >>> from xentlib.plotting import new_axes, plot_distributions
    >>> fig, ax = new_axes("outcome", "probability")
    >>> _ = plot_distributions(ax, ["a", "b"], {"P": [0.5, 0.5], "Q": [0.9, 0.1]})
    >>> len(ax.patches)
    4
    """
    k = len(distributions)
    if k == 0:
        raise ValueError("distributions must hold at least one distribution")
    x = np.arange(len(categories))
    width = 0.8 / k
    for i, (label, probs) in enumerate(distributions.items()):
        probs = np.asarray(probs, dtype=float)
        if probs.shape != (len(categories),):
            raise ValueError(f"distribution {label!r} must have {len(categories)} entries")
        ax.bar(x + (i - (k - 1) / 2) * width, probs, width, label=label,
               color=PALETTE[_CYCLE[i % len(_CYCLE)]])
    ax.set_xticks(x, categories)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax
