import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from xentlib.plotting import PALETTE, new_axes, plot_distributions, use_book_style  # noqa: E402


def test_style_white_background_and_palette():
    use_book_style()
    assert mcolors.to_hex(matplotlib.rcParams["figure.facecolor"]) == "#ffffff"
    assert mcolors.to_hex(matplotlib.rcParams["axes.facecolor"]) == "#ffffff"
    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert cycle[:3] == [PALETTE["blue"], PALETTE["orange"], PALETTE["green"]]
    assert len(set(PALETTE.values())) == len(PALETTE)


def test_new_axes_labels_and_distributions():
    fig, ax = new_axes("outcome", "probability", title="t")
    plot_distributions(ax, ["a", "b"], {"P": [0.5, 0.5], "Q": [0.9, 0.1]})
    assert ax.get_xlabel() == "outcome" and ax.get_ylabel() == "probability"
    assert len(ax.patches) == 4
    fig2, axes = new_axes(["x1", "x2"], "y", ncols=2)
    assert [a.get_xlabel() for a in axes] == ["x1", "x2"]
    with pytest.raises(ValueError, match="must have 2 entries"):
        plot_distributions(ax, ["a", "b"], {"P": [1.0]})
    with pytest.raises(ValueError, match="one entry per panel"):
        new_axes(["x1"], "y", ncols=2)
    plt.close("all")


def test_new_axes_stacked_panels():
    fig, axes = new_axes("x", ["y1", "y2", "y3"], nrows=3, title=["a", "b", "c"])
    assert axes.shape == (3,)
    assert [a.get_ylabel() for a in axes] == ["y1", "y2", "y3"]
    # stacked: the panels share the figure's width, one above the other
    boxes = [a.get_position() for a in axes]
    fig.canvas.draw()
    assert boxes[0].y0 > boxes[1].y0 > boxes[2].y0
    with pytest.raises(ValueError, match="one entry per panel"):
        new_axes("x", ["y1", "y2"], nrows=3)
    plt.close("all")


def test_default_figure_text_readable_on_a_phone():
    """A 390 px phone shows a figure in a column of about 358 CSS px: the default
    figure's 11 pt text must stay at 9 CSS px or more there."""
    use_book_style()
    rc = matplotlib.rcParams
    width_px = rc["figure.figsize"][0] * rc["figure.dpi"]
    text_px = rc["font.size"] * rc["figure.dpi"] / 72
    assert text_px * min(1.0, 358 / width_px) >= 9.0
