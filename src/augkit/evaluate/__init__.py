"""Proxy models and paired statistics: where augkit measures whether augmentation helps.

Policy search, the over-augmentation checks, GAN evaluation and the experiments all train
through :func:`fit_proxy` (or your own function) under :func:`compare_arms`' protocol and
judge with :func:`paired_difference`, so a fair comparison is written once. The statistics
and splits are numpy only; the proxy models import torch when they train.
"""

from augkit.evaluate.experiment import ExperimentResult, run_experiment
from augkit.evaluate.folds import split_validation, stratified_folds, stratified_subset
from augkit.evaluate.models import FitResult, accuracy, augmenter, fit_proxy
from augkit.evaluate.protocol import Comparison, compare_arms
from augkit.evaluate.report import Report
from augkit.evaluate.selection import Candidate, Selection, select
from augkit.evaluate.stats import (
    PairedDifference,
    holm_adjust,
    mean_std,
    paired_difference,
    t_cdf,
    t_quantile,
)

__all__ = ["Candidate", "Comparison", "ExperimentResult", "FitResult", "PairedDifference",
           "Report", "Selection", "accuracy", "augmenter", "compare_arms", "fit_proxy",
           "holm_adjust", "mean_std", "paired_difference", "run_experiment", "select",
           "split_validation", "stratified_folds", "stratified_subset", "t_cdf", "t_quantile"]
