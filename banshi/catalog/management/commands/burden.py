import unicodedata
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from banshi.catalog.burden import Burden, answer_problems, burden, most_services_answers
from banshi.catalog.definition import BundleDef
from banshi.catalog.loader import BUNDLES_DIR, read_catalog

TEXTS = {
    "en": {
        "measure": "",
        "separately": "Separately",
        "bundled": "One thing",
        "saved": "Saved",
        "forms": "Forms to fill",
        "fields": "Fields typed",
        "documents": "Documents uploaded",
        "offices": "Offices visited",
        "time": "Promised time (working days)",
        "promise": "{days} (promise: {promise})",
        "title": "{name} ({code})",
        "answers": "Answers: {answers}",
        "none": "none",
        "services": "{services} services at {agencies} agencies",
        "path": "Critical path: {path} ({hours} working hours = {days} working days)",
        "over": "The critical path is longer than the bundle's promise ({promise} working days).",
        "over_one": "The critical path is longer than the bundle's promise (1 working day).",
        "joined": "{answers}; {counts}.",
        "arrow": " → ",
        "per_service": ("Service", "Agency", "Fields", "Materials", "Carried over", "Working hours"),
    },
    "zh-hans": {
        "measure": "",
        "separately": "分别办理",
        "bundled": "一件事",
        "saved": "节省",
        "forms": "填写表单（张）",
        "fields": "填写字段（项）",
        "documents": "上传材料（份）",
        "offices": "跑动部门（个）",
        "time": "承诺时限（工作日）",
        "promise": "{days}（承诺 {promise}）",
        "title": "{name}（{code}）",
        "answers": "情形：{answers}",
        "none": "无",
        "services": "{services} 项服务，{agencies} 个部门",
        "path": "关键路径：{path}（{hours} 个工作小时 = {days} 个工作日）",
        "over": "关键路径超过了本事项承诺的 {promise} 个工作日。",
        "over_one": "关键路径超过了本事项承诺的 1 个工作日。",
        "joined": "{answers}；{counts}。",
        "arrow": " → ",
        "per_service": ("服务", "部门", "字段", "材料", "需带证照", "工作小时"),
    },
}
ROWS = ("forms", "fields", "documents", "offices")


def days_text(days: Fraction) -> str:
    text = f"{float(days):.1f}"
    return text.removesuffix(".0")


def width(text: str) -> int:
    """Columns the text takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, size: int, *, right: bool) -> str:
    space = " " * max(0, size - width(text))
    return space + text if right else text + space


def plain_table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Columns separated by two spaces; the first column left-aligned, the others right-aligned."""
    sizes = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(pad(cell, sizes[i], right=i > 0) for i, cell in enumerate(row)).rstrip() for row in rows
    ]


def markdown_table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return lines


class Command(BaseCommand):
    help = (
        "What a bundle saves a resident: forms, fields, documents, offices and promised time when each "
        "service is applied for on its own, beside the one bundle. Computed from the catalogue files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bundles", nargs="*", metavar="bundle", help="bundle codes (default: all)")
        parser.add_argument(
            "--answer",
            action="append",
            default=[],
            metavar="QUESTION=OPTION",
            help="fix the answer to a situation question (the others switch on the most services)",
        )
        parser.add_argument("--lang", choices=sorted(TEXTS), help="language (default: the active one)")
        parser.add_argument("--format", choices=["text", "markdown"], default="text")
        parser.add_argument("--dir", default=str(BUNDLES_DIR), help="folder of bundle files")

    def handle(self, *args: Any, **options: Any) -> None:
        bundles = self._bundles(Path(options["dir"]), options["bundles"])
        fixed = self._fixed(options["answer"], bundles)
        language = options["lang"] or translation.get_language() or "zh-hans"
        language = "zh-hans" if language.lower().startswith("zh") else "en"
        markdown = options["format"] == "markdown"
        with translation.override(language):
            blocks = []
            for bundle in bundles:
                own = {key: value for key, value in fixed.items() if key in bundle.questions}
                answers = most_services_answers(bundle, own)
                result = burden(bundle, answers)
                lines = self._report(bundle, result, TEXTS[language], markdown, options["verbosity"])
                blocks.append("\n".join(lines))
        self.stdout.write("\n\n".join(blocks))

    def _bundles(self, directory: Path, codes: list[str]) -> list[BundleDef]:
        found, errors = read_catalog(directory)
        by_code = {bundle.code: bundle for bundle in found}
        broken = {Path(error.source).stem: error for error in errors}
        chosen = []
        for code in codes or list(by_code):
            if code in broken:
                raise CommandError(str(broken[code]))
            if code not in by_code:
                raise CommandError(f"no bundle {code!r} in {directory} (there are: {', '.join(by_code)})")
            chosen.append(by_code[code])
        return chosen

    def _fixed(self, pairs: list[str], bundles: list[BundleDef]) -> dict[str, str]:
        fixed: dict[str, str] = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep or not key.strip():
                raise CommandError(f"--answer {pair!r}: write it as question=option")
            fixed[key.strip()] = value.strip()
        problems = []
        for key, value in fixed.items():
            owners = [bundle for bundle in bundles if key in bundle.questions]
            if not owners:
                problems.append(f"--answer {key}: not a question of {', '.join(b.code for b in bundles)}")
            for bundle in owners:
                problems += [f"--answer {key}: {p}" for p in answer_problems(bundle, {key: value})]
        if problems:
            raise CommandError("\n".join(problems))
        return fixed

    def _report(
        self, bundle: BundleDef, result: Burden, t: dict, markdown: bool, verbosity: int
    ) -> list[str]:
        apart, together = result.separately, result.bundled
        rows = [(t["measure"], t["separately"], t["bundled"], t["saved"])]
        for key in ROWS:
            before, after = getattr(apart, key), getattr(together, key)
            rows.append((t[key], str(before), str(after), str(before - after)))
        rows.append(
            (
                t["time"],
                days_text(apart.working_days),
                t["promise"].format(days=days_text(together.working_days), promise=result.promise_days),
                days_text(apart.working_days - together.working_days),
            )
        )
        answers = ", ".join(f"{key}={value}" for key, value in result.answers.items()) or t["none"]
        agencies = len({cost.agency for cost in result.services})
        path = t["arrow"].join(str(bundle.services[code].name) for code in result.critical_path)
        critical = t["path"].format(path=path, hours=together.hours, days=days_text(together.working_days))
        counts = t["services"].format(services=len(result.services), agencies=agencies)
        if markdown:
            listed = ", ".join(f"`{key}={value}`" for key, value in result.answers.items()) or t["none"]
            title = t["title"].format(name=bundle.name, code=f"`{bundle.code}`")
            summary = t["joined"].format(answers=t["answers"].format(answers=listed), counts=counts)
            lines = [f"#### {title}", "", summary, ""]
            lines += markdown_table(rows)
            lines += ["", critical]
        else:
            title = t["title"].format(name=bundle.name, code=bundle.code)
            lines = [title, t["answers"].format(answers=answers), counts, ""]
            lines += plain_table(rows)
            lines += ["", critical]
        if result.over_promise:
            over = (
                t["over_one"] if result.promise_days == 1 else t["over"].format(promise=result.promise_days)
            )
            lines += ([""] if markdown else []) + [over]
        if verbosity >= 2:
            detail = [t["per_service"]]
            detail += [
                (
                    str(bundle.services[cost.code].name),
                    cost.agency,
                    str(cost.fields),
                    str(cost.materials),
                    str(cost.carried_documents),
                    str(cost.hours),
                )
                for cost in result.services
            ]
            lines += [""] + (markdown_table(detail) if markdown else plain_table(detail))
        return lines
