"""The rule builder as form fields, and back.

Each builder row posts indexed fields: a root condition as r-<i>-type/key/op/value/value2,
a group as r-<i>-type=group and r-<i>-match, and a condition inside it as
r-<i>-<j>-type/…. read_builder() turns a posted form into a Builder (rows renumbered in
order); Builder.rules() is the dict app.core validates; row_errors() places the core's
JSON-pointer errors ("/rules/1/rules/0/value") on their row prefix ("r-1-0").
"""

import re
from dataclasses import dataclass, field

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from app.core.segments.vocabulary import FIELDS, NONE, PAIRS

ROW_NAME = re.compile(r"r-(\d{1,3})(?:-(\d{1,3}))?-(type|key|op|value|value2|match)")
NEW_CONDITION = {"type": "tag", "op": "has"}


class DetailsForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=255)])
    description = StringField("Description", validators=[Length(max=1024)])


@dataclass
class Condition:
    type: str = NEW_CONDITION["type"]
    op: str = NEW_CONDITION["op"]
    key: str = ""
    value: str = ""
    value2: str = ""
    prefix: str = ""

    @property
    def spec(self):
        return FIELDS.get(self.type) or FIELDS[NEW_CONDITION["type"]]

    @property
    def operator(self):
        return self.spec.ops.get(self.op) or next(iter(self.spec.ops.values()))

    def rule(self) -> dict:
        rule = {"type": self.type, "op": self.op}
        if self.spec.keyed:
            rule["key"] = self.key
        kind = self.operator.kind
        if kind in PAIRS:
            rule["value"] = [self.value, self.value2]
        elif kind != NONE:
            rule["value"] = self.value
        return rule


@dataclass
class Group:
    match: str = "any"
    rules: list[Condition] = field(default_factory=lambda: [Condition()])
    prefix: str = ""
    type: str = "group"

    def rule(self) -> dict:
        return {"type": "group", "match": self.match, "rules": [c.rule() for c in self.rules]}


@dataclass
class Builder:
    match: str = "all"
    rules: list[Condition | Group] = field(default_factory=list)

    def rules_dict(self) -> dict:
        return {"match": self.match, "rules": [node.rule() for node in self.rules]}

    def renumber(self) -> "Builder":
        """Give every row its prefix from its position (after an add or a remove)."""
        for i, node in enumerate(self.rules):
            node.prefix = f"r-{i}"
            for j, child in enumerate(getattr(node, "rules", [])):
                child.prefix = f"r-{i}-{j}"
        return self

    def find(self, prefix: str):
        return next((n for n in self.walk() if n.prefix == prefix), None)

    def walk(self):
        for node in self.rules:
            yield node
            yield from getattr(node, "rules", [])

    def add(self, target: str = "", group: bool = False) -> None:
        parent = self.find(target) if target else self
        if isinstance(parent, Builder | Group):
            parent.rules.append(Group() if group and parent is self else Condition())
        self.renumber()

    def remove(self, prefix: str) -> None:
        node = self.find(prefix)
        for parent in (self, *[n for n in self.rules if isinstance(n, Group)]):
            if node in parent.rules:
                parent.rules.remove(node)
        self.rules = [n for n in self.rules if not isinstance(n, Group) or n.rules]
        self.renumber()


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return "" if value is None else str(value)


def _condition(rule: dict) -> Condition:
    value = rule.get("value")
    pair = isinstance(value, list) and FIELDS.get(rule.get("type")) and \
        getattr(FIELDS[rule["type"]].ops.get(rule.get("op")), "kind", None) in PAIRS
    return Condition(type=rule.get("type", ""), op=rule.get("op", ""), key=rule.get("key") or "",
                     value=_text(value[0] if pair else value),
                     value2=_text(value[1]) if pair else "")


def from_rules(rules: dict | None) -> Builder:
    """Return the builder rows for a stored (valid) rule tree."""
    rules = rules or {}
    nodes = [Group(match=n.get("match", "all"), rules=[_condition(c) for c in n.get("rules", [])])
             if n.get("type") == "group" else _condition(n) for n in rules.get("rules", [])]
    return Builder(match=rules.get("match", "all"), rules=nodes).renumber()


def read_builder(form) -> Builder:
    """Return the builder as posted; unknown or malformed field names are ignored."""
    rows: dict[int, dict] = {}
    for name, value in form.items():
        found = ROW_NAME.fullmatch(name)
        if not found:
            continue
        row = rows.setdefault(int(found[1]), {"children": {}})
        if found[2] is not None:
            row = row["children"].setdefault(int(found[2]), {})
        row[found[3]] = value
    nodes = []
    for _, row in sorted(rows.items()):
        if row.get("type") == "group":
            children = [_posted(c) for _, c in sorted(row["children"].items())]
            nodes.append(Group(match=row.get("match", "all"), rules=children))
        else:
            nodes.append(_posted(row))
    return Builder(match=form.get("match", "all"), rules=nodes).renumber()


def _posted(row: dict) -> Condition:
    return Condition(**{k: row.get(k, "") for k in ("type", "op", "key", "value", "value2")})


def changed_row(builder: Builder, trigger: str | None) -> Condition | None:
    """Return the row whose field or operator select (named `trigger`) just changed.

    A field without the row's operator starts at its first operator with an empty value
    (or its first choice); otherwise the value stays, and the preview says if it does not
    fit.
    """
    found = ROW_NAME.fullmatch(trigger or "")
    node = builder.find(trigger.rsplit("-", 1)[0]) if found else None
    if not isinstance(node, Condition) or found[3] not in ("type", "op"):
        return None
    if node.op not in node.spec.ops:
        node.op = next(iter(node.spec.ops))
        node.value = node.value2 = ""
    choices = [name for name, _ in node.operator.choices]
    if choices and node.value not in choices:
        node.value = choices[0]  # what the select shows anyway
    return node


def row_errors(errors: list[dict]) -> dict[str, dict[str, str]]:
    """Return {row prefix ("r-1-0", or "root"): {part ("value", "key", ""): message}}."""
    placed: dict[str, dict[str, str]] = {}
    for error in errors:
        parts = (error.get("field") or "").strip("/").split("/")
        indexes = [p for p in parts if p.isdigit()]
        prefix = "-".join(["r", *indexes]) if indexes else "root"
        part = parts[-1] if parts[-1] in ("type", "key", "op", "value", "match") else ""
        row = placed.setdefault(prefix, {})
        row[part] = f"{row[part]} {error['message']}" if part in row else error["message"]
    return placed
