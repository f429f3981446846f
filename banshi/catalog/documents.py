"""The documents to bring for a bundle, computed from its materials in one place for the start page
(every document, each with when it is needed) and the public checklist (the documents for one set of
answers), so the two always agree with each other and with the form."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from banshi.catalog.definition import BundleDef, Condition, matches

FORMATS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}


@dataclass(frozen=True)
class Document:
    key: str
    label: str
    hint: str
    formats: str
    optional: bool
    # When it is needed: its own condition, and any one of the conditions of the services needing it
    # (none: always).
    when: Condition
    services_when: tuple[Condition, ...]
    condition: str

    def applies_to(self, answers: dict[str, str]) -> bool:
        return matches(self.when, answers) and (
            not self.services_when or any(matches(condition, answers) for condition in self.services_when)
        )


def _condition_text(spec: BundleDef, when: Condition, services: list[str]) -> str:
    parts = []
    for key, expected in when.items():
        question = spec.questions[key]
        options = expected if isinstance(expected, list) else [expected]
        parts.append(
            _("%(question)s %(answer)s")
            % {"question": question.label, "answer": " / ".join(str(question.options[o]) for o in options)}
        )
    if services:
        parts.append(
            _("when you apply for %(services)s")
            % {"services": ", ".join(str(spec.services[code].name) for code in services)}
        )
    return "; ".join(parts)


def documents(spec: BundleDef, answers: dict[str, str] | None = None) -> list[Document]:
    """Every document a service of the bundle needs, in the file's order; with `answers`, only those
    the answers make needed (the plan's materials, which the form asks for)."""
    needed_by = spec.needed_by(spec.service_order())
    found = []
    for key, material in spec.materials.items():
        services = needed_by.get(f"materials.{key}", [])
        if not services:
            continue
        conditional = [code for code in services if spec.services[code].when]
        services_when = (
            tuple(spec.services[code].when for code in services) if len(conditional) == len(services) else ()
        )
        document = Document(
            key=key,
            label=str(material.label),
            hint=str(material.hint) if material.hint else "",
            formats=", ".join(FORMATS[kind] for kind in material.accept),
            optional=not material.required,
            when=material.when,
            services_when=services_when,
            condition=_condition_text(spec, material.when, conditional if services_when else []),
        )
        found.append(document)
    if answers is None:
        return found
    planned = set(spec.plan(answers).materials)
    return [document for document in found if document.key in planned]
