"""`winkube plan`: where each workload can land, pool by pool, and why not elsewhere.

    from winkube.plan import Planner, node_usage
    planner = Planner(profile, node_usage(bound_pods))
    p = planner.plan(obj)          # WorkloadPlan: p.landing, p.starts_on, p.verdict("win2022").failures

Answers come from winkube.targeting.resolve; this package merges, orders and renders them.
"""
from __future__ import annotations

from .planner import FILTERS, Planner, PoolVerdict, WorkloadPlan
from .usage import node_usage, split_by_load

__all__ = ["FILTERS", "Planner", "PoolVerdict", "WorkloadPlan", "node_usage", "split_by_load"]
