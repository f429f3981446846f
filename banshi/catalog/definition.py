"""The bundle definition: the schema of a bundle file, its validation, and the plan of one application
(which services, fields and materials apply for a resident's answers)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.utils.translation import get_language
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from banshi.catalog.ethnic_groups import OPTION_LISTS

FieldType = Literal[
    "text",
    "integer",
    "decimal",
    "date",
    "datetime",
    "choice",
    "boolean",
    "id_number",
    "phone",
    "address",
    "bank_account",
    "email",
    "area",
]
KEY = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
CODE = r"^[a-z][a-z0-9_]*$"
PERSONAL_TYPES = {"id_number", "phone", "address", "bank_account", "email"}
# The most a bundle may hold. The API states them as the limits of any application (its answers, field
# values and materials), so a bundle within them never meets a request the API refused by its schema.
KEY_MAX_LENGTH = 60  # a key, code or option; materials' keys and services' codes are stored in 60 characters
VALUE_MAX_LENGTH = 4000  # the longest text a field may accept
QUESTIONS_MAX = 50
FIELDS_MAX = 300
MATERIALS_MAX = 100
OUTPUTS_MAX = 50  # of one service


class Text(BaseModel):
    """A text in every shipped language; zh-hans is required, others fall back to it."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    zh_hans: str = Field(alias="zh-hans", min_length=1)
    en: str = ""
    zh_hant: str = Field("", alias="zh-hant")

    def __str__(self) -> str:
        language = (get_language() or "zh-hans").lower()
        if language.startswith("en") and self.en:
            return self.en
        if language in ("zh-hant", "zh-tw", "zh-hk") and self.zh_hant:
            return self.zh_hant
        return self.zh_hans


Condition = dict[str, str | list[str]]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _option_keys(options: dict[str, Text]) -> dict[str, Text]:
    for key in options:
        if not key or len(key) > KEY_MAX_LENGTH:
            raise ValueError(f"option {key!r} must be 1 to {KEY_MAX_LENGTH} characters")
    return options


class Question(Strict):
    label: Text
    hint: Text | None = None
    options: dict[str, Text] = Field(min_length=2)

    _options = field_validator("options")(_option_keys)


class FieldDef(Strict):
    type: FieldType
    label: Text
    hint: Text | None = None
    required: bool = True
    when: Condition = {}
    options: dict[str, Text] = {}
    max_length: int | None = Field(None, ge=1, le=VALUE_MAX_LENGTH)
    min: Decimal | None = None
    max: Decimal | None = None
    past: bool = False  # a date or time not after today or now
    future: bool = False  # a date or time not before today or now
    max_age_days: int | None = Field(None, ge=1)
    personal: bool = False
    # A text field's further rules: `person_name`, a name as Chinese names are written.
    format: Literal["person_name"] | None = None
    # A choice's options from a list the catalogue keeps (`ethnic_groups`: GB/T 3304).
    options_from: Literal["ethnic_groups"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _listed_options(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("options_from") in OPTION_LISTS and not data.get("options"):
            data = {**data, "options": OPTION_LISTS[data["options_from"]]}
        return data

    _options = field_validator("options")(_option_keys)

    @model_validator(mode="after")
    def _options_match_type(self) -> FieldDef:
        if self.format is not None and self.type != "text":
            raise ValueError("only a text field has a format")
        if self.options_from is not None and self.type != "choice":
            raise ValueError("only a choice field takes its options from a list")
        if self.type == "choice" and len(self.options) < 2:
            raise ValueError("a choice field needs at least two options")
        if self.type != "choice" and self.options:
            raise ValueError("only a choice field has options")
        if self.past and self.future:
            raise ValueError("a field cannot be both past and future")
        return self

    @property
    def is_personal(self) -> bool:
        return self.personal or self.type in PERSONAL_TYPES


class MaterialDef(Strict):
    label: Text
    hint: Text | None = None
    accept: list[Literal["pdf", "jpeg", "png"]] = ["pdf", "jpeg", "png"]
    required: bool = True
    when: Condition = {}


OutputType = Literal["number", "id_number", "text"]
GENERATED_TYPE: dict[str, OutputType] = {"number": "number", "id_number": "id_number", "none": "text"}


class OutputDef(Strict):
    """What a service produces. Its `type` checks a value an officer enters as a field's type checks
    a resident's (by default the type of what `generate` makes)."""

    label: Text
    type: OutputType | None = None
    generate: Literal["number", "id_number", "none"] = "none"
    prefix: str = Field("", pattern=r"^[A-Z0-9]{0,8}$")
    document: bool = False
    # For an ID number: the fields it is made of, generated or entered (region, birth date, sex).
    area_field: str | None = None
    birth_field: str | None = None
    sex_field: str | None = None
    male_value: str = "male"

    @model_validator(mode="after")
    def _type_fits_generate(self) -> OutputDef:
        if self.type is None:
            self.type = GENERATED_TYPE[self.generate]
        elif self.generate != "none" and self.type != GENERATED_TYPE[self.generate]:
            raise ValueError(
                f"generate: {self.generate} makes an output of type {GENERATED_TYPE[self.generate]}"
            )
        return self

    @property
    def kind(self) -> OutputType:
        return self.type or GENERATED_TYPE[self.generate]


class TimeLimit(Strict):
    working_hours: int = Field(ge=1, le=2000)


class ServiceDef(Strict):
    name: Text
    agency: str = Field(pattern=CODE)
    needs: list[str] = []
    depends_on: list[str] = []
    produces: dict[str, OutputDef] = Field({}, max_length=OUTPUTS_MAX)
    time_limit: TimeLimit = TimeLimit(working_hours=8)
    when: Condition = {}
    decide: Literal["officer", "automatic"] = "officer"


class AgeRule(Strict):
    """The age of a person, from a birth date (`birth`: an ID number or a date), on the day of an event
    (`at`: a date or date-and-time field), must be within `min` to `max` years."""

    birth: str
    at: str
    min: int = Field(0, ge=0, le=150)
    max: int = Field(150, ge=0, le=150)


class Rule(Strict):
    """A check across fields: `differ` (the fields' values must all differ, e.g. the two parents' ID
    numbers), `age`, or `applicant` (a mobile number field that must be the applicant's own: the
    parent who applies is the one signed in). The problem is shown beside the last field named. With
    `when`, only for those answers."""

    differ: list[str] = []
    age: AgeRule | None = None
    applicant: str | None = None
    when: Condition = {}

    @model_validator(mode="after")
    def _one_kind(self) -> Rule:
        kinds = [kind for kind in (self.differ, self.age, self.applicant) if kind]
        if len(kinds) != 1:
            raise ValueError("a rule is one of: differ, age, applicant")
        if self.when and not self.applicant:
            raise ValueError("when: only an applicant rule takes a condition")
        if self.differ and len(self.differ) < 2:
            raise ValueError("differ names at least two fields")
        if self.age and self.age.min > self.age.max:
            raise ValueError("age: min is more than max")
        return self

    @property
    def fields(self) -> list[str]:
        if self.differ:
            return list(self.differ)
        if self.age:
            return [self.age.at, self.age.birth]
        return [self.applicant] if self.applicant else []


class Promise(Strict):
    working_days: int = Field(ge=1, le=365)


class BundleDef(Strict):
    code: str = Field(pattern=CODE)
    name: Text
    summary: Text
    # Notes for before one starts, beyond the documents (those come from `materials`).
    before_you_start: list[Text] = []
    promise: Promise
    questions: dict[str, Question] = Field({}, max_length=QUESTIONS_MAX)
    fields: dict[str, FieldDef] = Field(max_length=FIELDS_MAX)
    # Legends of the form's fieldsets, by the first part of the field keys (`deceased` for deceased.name).
    groups: dict[str, Text] = {}
    materials: dict[str, MaterialDef] = Field({}, max_length=MATERIALS_MAX)
    services: dict[str, ServiceDef] = Field(min_length=1)
    rules: list[Rule] = []
    # The fields that identify the application's subject (the newborn: the mother and the moment of
    # the birth): a second open or complete application for the same subject is refused.
    subject: list[str] = []

    @field_validator("questions", "materials", "services")
    @classmethod
    def _codes(cls, value: dict) -> dict:
        for key in value:
            if not re.match(CODE, key) or len(key) > KEY_MAX_LENGTH:
                raise ValueError(
                    f"{key!r} is not a valid code (lower-case letters, digits and _, "
                    f"at most {KEY_MAX_LENGTH} characters)"
                )
        return value

    @field_validator("fields")
    @classmethod
    def _keys(cls, value: dict) -> dict:
        for key in value:
            if not re.match(KEY, key) or len(key) > KEY_MAX_LENGTH:
                raise ValueError(
                    f"{key!r} is not a valid field key (e.g. mother.id_number, "
                    f"at most {KEY_MAX_LENGTH} characters)"
                )
        return value

    @model_validator(mode="after")
    def _graph(self) -> BundleDef:
        problems = graph_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # --- reading the definition -------------------------------------------------------------------

    def output_owner(self) -> dict[str, str]:
        return {key: code for code, service in self.services.items() for key in service.produces}

    def expand_need(self, need: str) -> list[str]:
        if need.endswith("*"):
            return [key for key in self.fields if fnmatch.fnmatchcase(key, need)]
        return [need]

    def service_order(self) -> list[str]:
        """Services in dependency order (a service after everything it depends on), file order otherwise."""
        done: list[str] = []

        def visit(code: str) -> None:
            if code in done:
                return
            for upstream in self.services[code].depends_on:
                visit(upstream)
            done.append(code)

        for code in self.services:
            visit(code)
        return done

    def upstream_of(self, code: str) -> set[str]:
        seen: set[str] = set()
        stack = list(self.services[code].depends_on)
        while stack:
            current = stack.pop()
            if current not in seen and current in self.services:
                seen.add(current)
                stack.extend(self.services[current].depends_on)
        return seen

    def needed_by(self, services: Iterable[str]) -> dict[str, list[str]]:
        """For each field key and `materials.<key>`, which of `services` need it, in the order given."""
        needed_by: dict[str, list[str]] = {}
        for code in services:
            for need in self.services[code].needs:
                for key in self.expand_need(need):
                    needed_by.setdefault(key, []).append(code)
        return needed_by

    def plan(self, answers: dict[str, str]) -> Plan:
        services = [code for code in self.service_order() if matches(self.services[code].when, answers)]
        needed_by = self.needed_by(services)
        fields = [
            key for key, spec in self.fields.items() if key in needed_by and matches(spec.when, answers)
        ]
        materials = [
            key
            for key, spec in self.materials.items()
            if f"materials.{key}" in needed_by and matches(spec.when, answers)
        ]
        return Plan(services=services, fields=fields, materials=materials, needed_by=needed_by)


@dataclass
class Plan:
    services: list[str]
    fields: list[str]
    materials: list[str]
    needed_by: dict[str, list[str]] = field(default_factory=dict)


def matches(condition: Condition, answers: dict[str, str]) -> bool:
    for question, expected in condition.items():
        allowed = expected if isinstance(expected, list) else [expected]
        if answers.get(question) not in allowed:
            return False
    return True


def _cycle(services: dict[str, ServiceDef]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(code: str) -> list[str] | None:
        state[code] = 1
        path.append(code)
        for upstream in services[code].depends_on:
            if upstream not in services:
                continue
            if state.get(upstream) == 1:
                return path[path.index(upstream) :] + [upstream]
            if upstream not in state and (found := visit(upstream)):
                return found
        path.pop()
        state[code] = 2
        return None

    for code in services:
        if code not in state and (found := visit(code)):
            return found
    return None


def graph_problems(bundle: BundleDef) -> list[str]:
    problems: list[str] = []
    owners: dict[str, str] = {}
    for code, service in bundle.services.items():
        for key in service.produces:
            if not re.match(KEY, key) or len(key) > KEY_MAX_LENGTH:
                problems.append(
                    f"services.{code}.produces.{key}: is not a valid output key "
                    f"(e.g. birth_certificate_number, at most {KEY_MAX_LENGTH} characters)"
                )
            if key in owners:
                problems.append(f"services.{code}.produces.{key}: also produced by {owners[key]!r}")
            owners[key] = code
            if key in bundle.fields:
                problems.append(
                    f"services.{code}.produces.{key}: is also a field; "
                    "an output is never asked of the resident"
                )
    for code, service in bundle.services.items():
        for key, output in service.produces.items():
            if output.kind != "id_number":
                continue
            for attribute in ("area_field", "birth_field", "sex_field"):
                source = getattr(output, attribute)
                if source is None and output.generate != "id_number":
                    continue
                if source is None or source not in bundle.fields:
                    problems.append(
                        f"services.{code}.produces.{key}.{attribute}: must name a field of the bundle"
                    )
        for upstream in service.depends_on:
            if upstream not in bundle.services:
                problems.append(f"services.{code}.depends_on: unknown service {upstream!r}")
    cycle = _cycle(bundle.services)
    if cycle:
        problems.append(
            "services: the dependencies form a cycle (each depends on the next): " + " -> ".join(cycle)
        )
        return problems
    for code, service in bundle.services.items():
        upstreams = bundle.upstream_of(code)
        for need in service.needs:
            if need.startswith("materials."):
                if need.removeprefix("materials.") not in bundle.materials:
                    problems.append(f"services.{code}.needs: unknown material {need!r}")
            elif need.endswith("*"):
                if not bundle.expand_need(need):
                    problems.append(f"services.{code}.needs: {need!r} matches no field")
            elif need in owners:
                if owners[need] not in upstreams:
                    problems.append(
                        f"services.{code}.needs: {need!r} is produced by {owners[need]!r}, "
                        "which is not among its depends_on"
                    )
            elif need not in bundle.fields:
                problems.append(f"services.{code}.needs: unknown field or output {need!r}")
    for key in bundle.subject:
        spec = bundle.fields.get(key)
        if spec is None:
            problems.append(f"subject: unknown field {key!r}")
        elif not spec.required or spec.when:
            problems.append(f"subject: {key!r} must be a field every application has (required, no when)")
    for index, rule in enumerate(bundle.rules):
        problems += [
            f"rules.{index}: unknown field {key!r}" for key in rule.fields if key not in bundle.fields
        ]
        if (
            rule.age
            and rule.age.birth in bundle.fields
            and bundle.fields[rule.age.birth].type not in ("id_number", "date")
        ):
            problems.append(f"rules.{index}.age.birth: must name an ID number or a date field")
        if (
            rule.age
            and rule.age.at in bundle.fields
            and bundle.fields[rule.age.at].type not in ("date", "datetime")
        ):
            problems.append(f"rules.{index}.age.at: must name a date or date-and-time field")
    heads = {key.split(".", 1)[0] for key in bundle.fields}
    problems += [
        f"groups.{head}: no field key starts with {head!r}" for head in bundle.groups if head not in heads
    ]
    questions = bundle.questions
    conditions = [(f"fields.{k}.when", f.when) for k, f in bundle.fields.items()]
    conditions += [(f"materials.{k}.when", m.when) for k, m in bundle.materials.items()]
    conditions += [(f"services.{k}.when", s.when) for k, s in bundle.services.items()]
    conditions += [(f"rules.{i}.when", r.when) for i, r in enumerate(bundle.rules)]
    for where, condition in conditions:
        for question, expected in condition.items():
            if question not in questions:
                problems.append(f"{where}: unknown question {question!r}")
                continue
            for value in expected if isinstance(expected, list) else [expected]:
                if value not in questions[question].options:
                    problems.append(f"{where}: {value!r} is not an option of question {question!r}")
    return problems


class BundleError(ValueError):
    """A bundle file that cannot be used, with every problem as `where: what`."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {problem}" for problem in problems))


def parse_bundle(data: object, *, source: str) -> BundleDef:
    if not isinstance(data, dict):
        raise BundleError(source, ["the file must hold a mapping (code, name, fields, services, ...)"])
    try:
        return BundleDef.model_validate(data)
    except ValidationError as exc:
        problems: list[str] = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            problems.extend(f"{where}: {part}" if where else part for part in message.split("; "))
        raise BundleError(source, problems) from None
