"""xentlib: correct, numerically stable cross-entropy mathematics in NumPy.

The companion package of the book *Cross-Entropy, Executable*. Every public name is
importable from ``xentlib`` directly.
"""

from .activations import log_sigmoid, log_softmax, logsumexp, sigmoid, softmax
from .calibration import expected_calibration_error, fit_temperature, reliability_curve
from .datasets import load_digit_attributes, subsample_class
from .gradcheck import check_grad
from .information import cross_entropy, entropy, kl_divergence
from .language import NGramModel, arithmetic_decode, arithmetic_encode, quantize_probabilities
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    categorical_cross_entropy,
    focal_loss,
    focal_loss_grad,
    multilabel_cross_entropy,
    multilabel_cross_entropy_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
    softmax_focal_loss,
    softmax_focal_loss_grad,
)
from .models import LogisticRegression, MultiLabelLogisticRegression, SoftmaxRegression
from .weighting import class_priors, class_weights, logit_adjustment, smooth_labels

__version__ = "0.1.0"

__all__ = [
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "sigmoid",
    "log_sigmoid",
    "softmax",
    "log_softmax",
    "logsumexp",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "categorical_cross_entropy",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "multilabel_cross_entropy",
    "multilabel_cross_entropy_grad",
    "focal_loss",
    "focal_loss_grad",
    "softmax_focal_loss",
    "softmax_focal_loss_grad",
    "class_weights",
    "smooth_labels",
    "class_priors",
    "logit_adjustment",
    "check_grad",
    "reliability_curve",
    "expected_calibration_error",
    "fit_temperature",
    "LogisticRegression",
    "SoftmaxRegression",
    "MultiLabelLogisticRegression",
    "load_digit_attributes",
    "subsample_class",
    "NGramModel",
    "quantize_probabilities",
    "arithmetic_encode",
    "arithmetic_decode",
]
