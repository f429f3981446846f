"""What a bundle saves a resident: the cost of applying for its services one by one, as before the
bundle, beside the cost of the one form. Pure functions over a bundle definition and a set of answers.

Separately, each service is its own application at its own agency:

- forms to fill: one per service;
- fields typed: for each service, the fields it needs (a field needed by three services is typed three
  times);
- documents uploaded: for each service, the materials it needs, plus a copy of each upstream document it
  depends on (the paper certificate the resident had to fetch and carry over): every document produced
  by a service it depends on, and every document it names in its needs;
- offices visited: one per distinct agency;
- promised time: the services are done one after another, so the sum of their time limits.

As one bundle: one form, each field typed once, each material uploaded once, one window, and the
promised time is the critical path through the dependency graph (the longest chain of time limits), which
is shown beside the bundle's own promise.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from banshi.catalog.definition import BundleDef, matches
from banshi.worktime.hours import hours_per_working_day


def working_day_hours() -> Fraction:
    """Working hours in a working day: the configured office hours (`OFFICE_HOURS`)."""
    return Fraction(hours_per_working_day()).limit_denominator(60)


# Beyond this many combinations of answers the default answers are found one question at a time.
EXHAUSTIVE_LIMIT = 50_000


@dataclass(frozen=True)
class ServiceCost:
    """One service applied for on its own."""

    code: str
    agency: str
    fields: int
    materials: int
    carried_documents: int
    hours: int

    @property
    def documents(self) -> int:
        return self.materials + self.carried_documents


@dataclass(frozen=True)
class Cost:
    forms: int
    fields: int
    documents: int
    offices: int
    hours: int

    @property
    def working_days(self) -> Fraction:
        return Fraction(self.hours) / working_day_hours()


@dataclass(frozen=True)
class Burden:
    bundle: str
    answers: dict[str, str]
    services: list[ServiceCost]
    separately: Cost
    bundled: Cost
    critical_path: list[str]
    promise_days: int

    @property
    def over_promise(self) -> bool:
        """True when the critical path of time limits is longer than the bundle's promise."""
        return self.bundled.working_days > self.promise_days


def working_days(hours: int) -> Fraction:
    return Fraction(hours) / working_day_hours()


def critical_path(bundle: BundleDef, services: list[str] | None = None) -> tuple[int, list[str]]:
    """The longest chain of time limits (in working hours) through the dependency graph of `services`
    (default: every service of the bundle), and the chain itself from first to last. Dependencies on
    services outside `services` are ignored, as the engine ignores them. On a tie the chain that comes
    first in dependency order wins."""
    chosen = set(bundle.services if services is None else services)
    finish: dict[str, int] = {}
    previous: dict[str, str | None] = {}
    for code in bundle.service_order():
        if code not in chosen:
            continue
        before, start = None, 0
        for upstream in bundle.services[code].depends_on:
            if upstream in finish and finish[upstream] > start:
                before, start = upstream, finish[upstream]
        finish[code] = start + bundle.services[code].time_limit.working_hours
        previous[code] = before
    if not finish:
        return 0, []
    last = max(finish, key=lambda code: finish[code])  # the first of the longest
    path: list[str] = []
    cursor: str | None = last
    while cursor is not None:
        path.append(cursor)
        cursor = previous[cursor]
    return finish[last], path[::-1]


def carried_documents(bundle: BundleDef, code: str, services: list[str]) -> set[str]:
    """The upstream documents a service needs a copy of when it is applied for on its own: the
    documents of the services it depends on and the documents it names in its needs."""
    chosen = set(services)
    service = bundle.services[code]
    documents = {
        key
        for upstream in service.depends_on
        if upstream in chosen
        for key, output in bundle.services[upstream].produces.items()
        if output.document
    }
    owners = bundle.output_owner()
    for need in service.needs:
        owner = owners.get(need)
        if owner in chosen and bundle.services[owner].produces[need].document:
            documents.add(need)
    return documents


def burden(bundle: BundleDef, answers: dict[str, str]) -> Burden:
    """The resident's cost of the services that `answers` switch on, separately and as one bundle."""
    plan = bundle.plan(answers)
    fields, materials = set(plan.fields), set(plan.materials)
    costs = []
    for code in plan.services:
        service = bundle.services[code]
        needed = [key for need in service.needs for key in bundle.expand_need(need)]
        costs.append(
            ServiceCost(
                code=code,
                agency=service.agency,
                fields=len({key for key in needed if key in fields}),
                materials=len({key for key in needed if key.removeprefix("materials.") in materials}),
                carried_documents=len(carried_documents(bundle, code, plan.services)),
                hours=service.time_limit.working_hours,
            )
        )
    separately = Cost(
        forms=len(costs),
        fields=sum(cost.fields for cost in costs),
        documents=sum(cost.documents for cost in costs),
        offices=len({cost.agency for cost in costs}),
        hours=sum(cost.hours for cost in costs),
    )
    hours, path = critical_path(bundle, plan.services)
    any_service = 1 if costs else 0
    bundled = Cost(
        forms=any_service,
        fields=len(plan.fields),
        documents=len(plan.materials),
        offices=any_service,
        hours=hours,
    )
    return Burden(
        bundle=bundle.code,
        answers=dict(answers),
        services=costs,
        separately=separately,
        bundled=bundled,
        critical_path=path,
        promise_days=bundle.promise.working_days,
    )


def answer_problems(bundle: BundleDef, answers: dict[str, str]) -> list[str]:
    problems = []
    for key, value in answers.items():
        if key not in bundle.questions:
            problems.append(
                f"{key!r} is not a question of {bundle.code} (one of: {', '.join(bundle.questions)})"
            )
        elif value not in bundle.questions[key].options:
            options = ", ".join(bundle.questions[key].options)
            problems.append(f"{value!r} is not an option of {key!r} (one of: {options})")
    return problems


def most_services_answers(bundle: BundleDef, fixed: dict[str, str] | None = None) -> dict[str, str]:
    """Answers to every question that switch on the most services, keeping the `fixed` ones. On a tie
    the options that come first in the file win (the form's own order)."""
    fixed = dict(fixed or {})
    open_questions = [key for key in bundle.questions if key not in fixed]

    def count(answers: dict[str, str]) -> int:
        return sum(1 for service in bundle.services.values() if matches(service.when, answers))

    combinations = 1
    for key in open_questions:
        combinations *= len(bundle.questions[key].options)
    if combinations <= EXHAUSTIVE_LIMIT:
        # max() keeps the first of equal counts, so ties go to the earlier options.
        best = max(
            (
                {**fixed, **dict(zip(open_questions, choice, strict=True))}
                for choice in itertools.product(
                    *(list(bundle.questions[key].options) for key in open_questions)
                )
            ),
            key=count,
        )
        return {key: best[key] for key in bundle.questions}
    # Too many combinations: settle the questions one at a time in file order (later ones at their first
    # option meanwhile).
    answers = {**{key: next(iter(bundle.questions[key].options)) for key in open_questions}, **fixed}
    for key in open_questions:
        options = list(bundle.questions[key].options)
        answers[key] = max(
            options, key=lambda option: (count({**answers, key: option}), -options.index(option))
        )
    return {key: answers[key] for key in bundle.questions}
