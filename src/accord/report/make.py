"""The report as a use-case: compute what it shows through :mod:`accord.app`, then render.

:func:`report` is what ``accord report``, ``accord demo`` and ``accord.report(...)`` call.
Results a caller has already computed (the demo prints them before writing the file) are
passed in and reused, so nothing is computed twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from accord.app import api
from accord.app.experiment import experiment_chart_spec, experiment_summary
from accord.app.results import ComparisonResult, Evaluation, RobustnessResult, SolveResult
from accord.model import NoAgreementError, Scenario
from accord.report.charts import warm_up
from accord.report.deal import deal_section, experiment_section
from accord.report.html import build_report
from accord.report.tornado import sensitivity_section

#: Monte Carlo draws of the report's robustness section (95% intervals of ±1.4 points).
SAMPLES = 5000
#: Preference draws of the backchannel experiment in the report.
EXPERIMENT_RUNS = 8
#: The parties that draft in the backchannel arm of the experiment.
DRAFTERS = ("US", "RU")
DEAL_TITLE = "What would an efficient, fair deal look like?"
FLIPS_TITLE = "What flips each draft"

Progress = Callable[[int, int], None]


def solutions_if_any(s: Scenario) -> list[SolveResult]:
    """The four exact concepts, or none when there is no zone of agreement.

    None: no admissible package gives every party its reservation at the nominal values.
    """
    try:
        return api.solve_all(s)
    except NoAgreementError:
        return []


def deal_extra(s: Scenario, solutions: Sequence[SolveResult] | None = None
               ) -> tuple[str, str]:
    """The solver's section: exact concepts and each draft's post-settlement improvements."""
    solutions = list(solutions) if solutions is not None else solutions_if_any(s)
    # the best improvement of each draft: the search that decided its dominance (shared)
    improvements = [api.improve(s, p, limit=api.DOMINANCE_IMPROVEMENTS)
                    for p in s.plans if not p.no_deal]
    return DEAL_TITLE, deal_section(s, solutions, improvements)


def sensitivity_extra(s: Scenario) -> tuple[str, str] | None:
    """What flips each draft (:func:`accord.app.api.sensitivity`): flips and a tornado."""
    drafts = [p for p in s.plans if not p.no_deal]
    if not drafts:
        return None
    return FLIPS_TITLE, sensitivity_section([(p.name, api.sensitivity(s, p)) for p in drafts])


def experiment_extra(s: Scenario, runs: int, seed: int) -> tuple[str, str] | None:
    """The backchannel experiment, when the scenario has the drafting parties."""
    if not set(DRAFTERS) <= set(s.party_ids):
        return None
    summary = experiment_summary(s, runs=runs, seed=seed, drafters=DRAFTERS)
    return "Backchannel experiment", experiment_section(summary, experiment_chart_spec(summary))


def report(scenario: api.ScenarioLike, *, samples: int = SAMPLES, seed: int = 2025,
           evaluation: Evaluation | None = None, robustness: RobustnessResult | None = None,
           chain: Sequence[ComparisonResult] | None = None,
           solutions: Sequence[SolveResult] | None = None,
           experiment_runs: int = 0, progress: Progress | None = None) -> str:
    """One self-contained HTML report of a scenario (returned as text).

    Drafts evaluated with dominance decided, robustness over ``samples`` draws (``seed``),
    the revision chain, the exact concepts with each draft's post-settlement improvements,
    what flips each draft (sensitivity, with a tornado chart), every assumption and, with
    ``experiment_runs > 0``, the backchannel experiment.
    """
    s = api.load(scenario)
    warm_up()  # the chart engine starts while the numbers are computed
    evaluation = evaluation or api.evaluate(s)
    robustness = robustness or api.robustness(s, samples=samples, seed=seed,
                                              progress=progress)
    comparisons = list(chain) if chain is not None else api.chain(s)
    extras = [deal_extra(s, solutions)]
    flips = sensitivity_extra(s)
    if flips is not None:
        extras.append(flips)
    if experiment_runs > 0:
        experiment = experiment_extra(s, experiment_runs, seed)
        if experiment is not None:
            extras.append(experiment)
    return build_report(s, list(evaluation), robustness.raw, [c.raw for c in comparisons],
                        extra_sections=extras)
