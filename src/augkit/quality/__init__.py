"""Over-augmentation and applicability: warnings before training, label-preservation checks,
strength sweeps (see docs/quality.md)."""

from augkit.quality.applicability import (
    ApplicabilityWarning,
    RuleTable,
    applicability_warnings,
    load_rules,
)
from augkit.quality.facts import infer_facts
from augkit.quality.preservation import (
    OpPreservation,
    PreservationReport,
    label_preservation,
    wilson_interval,
)
from augkit.quality.sweep import SweepPoint, SweepResult, strength_sweep

__all__ = ["ApplicabilityWarning", "OpPreservation", "PreservationReport", "RuleTable",
           "SweepPoint", "SweepResult", "applicability_warnings", "infer_facts",
           "label_preservation", "load_rules", "strength_sweep", "wilson_interval"]
