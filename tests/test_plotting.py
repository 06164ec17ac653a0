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
