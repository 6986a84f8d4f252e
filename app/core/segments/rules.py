"""The segment rule tree and its validation (the vocabulary is in segment_ops).

A tree is a root group whose children are conditions or groups of conditions (two
levels, no deeper):

    {"match": "all", "rules": [
        {"type": "attribute", "key": "plan", "op": "equals", "value": "pro"},
        {"type": "group", "match": "any", "rules": [
            {"type": "engagement", "op": "opened", "value": 30},
            {"type": "channel", "op": "reachable", "value": "ios"}]}]}

`match` is "all" (and), "any" (or) or "none" (not any). An empty root matches everyone.
validate_tree() returns a RuleTree whose values are normalised (numbers are numbers,
lists are lists, dates are YYYY-MM-DD) or raises RulesInvalid, whose `errors` name each
bad field as a JSON pointer ("/rules/1/rules/0/value").
"""

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.core.segments.vocabulary import FIELDS, coerce_value
from app.errors import ValidationFailed

MAX_RULES = 40  # conditions in a whole tree: keeps the compiled query reasonable
MAX_KEY = 64
Match = Literal["all", "any", "none"]


class RulesInvalid(ValidationFailed):
    title = "Invalid segment rules"


class Rule(BaseModel):
    """One condition: `type` picks the field, `op` the operator, `value` its operand."""

    model_config = ConfigDict(extra="forbid")

    type: str
    key: str | None = Field(default=None, validate_default=True)
    op: str
    value: Any = Field(default=None, validate_default=True)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value == "group":
            raise ValueError("a group holds conditions only, not another group")
        if value not in FIELDS:
            raise ValueError(f"unknown condition type {value!r}; use one of: "
                             + ", ".join(FIELDS))
        return value

    @field_validator("key")
    @classmethod
    def _key(cls, value, info: ValidationInfo):
        spec = FIELDS.get(info.data.get("type"))
        if spec is None:
            return value
        if not spec.keyed:
            if value not in (None, ""):
                raise ValueError(f"{spec.label.lower()} conditions take no key")
            return None
        value = (value or "").strip() if isinstance(value, str) else value
        if not value:
            raise ValueError("enter the attribute name")
        if not isinstance(value, str):
            raise ValueError("the attribute name must be text")
        if len(value) > MAX_KEY or any(c in value for c in '"\\') or not value.isprintable():
            raise ValueError(f"attribute names are 1 to {MAX_KEY} printable characters, "
                             "without quotes or backslashes")
        return value

    @field_validator("op")
    @classmethod
    def _op(cls, value: str, info: ValidationInfo) -> str:
        spec = FIELDS.get(info.data.get("type"))
        if spec is not None and value not in spec.ops:
            raise ValueError(f"unknown operator {value!r} for {spec.label.lower()} "
                             "conditions; use one of: " + ", ".join(spec.ops))
        return value

    @field_validator("value")
    @classmethod
    def _value(cls, value, info: ValidationInfo):
        spec = FIELDS.get(info.data.get("type"))
        op = spec.ops.get(info.data.get("op")) if spec else None
        if op is None:
            return value
        return coerce_value(op, value)


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["group"] = "group"
    match: Match = "all"
    rules: list[Rule] = Field(min_length=1)


def _node_kind(node) -> str:
    kind = node.get("type") if isinstance(node, dict) else getattr(node, "type", None)
    return "group" if kind == "group" else "rule"


Node = Annotated[Annotated[Rule, Tag("rule")] | Annotated[Group, Tag("group")],
                 Discriminator(_node_kind)]


class RuleTree(BaseModel):
    model_config = ConfigDict(extra="forbid")

    match: Match = "all"
    rules: list[Node] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_too_big(self):
        size = sum(len(n.rules) if isinstance(n, Group) else 1 for n in self.rules)
        if size > MAX_RULES:
            raise ValueError(f"at most {MAX_RULES} conditions in a segment ({size} given)")
        return self

    def as_json(self) -> dict:
        """Return the normalised tree as stored in segments.rules."""
        return self.model_dump(exclude_none=True)


def validate_tree(data) -> RuleTree:
    """Return the validated, normalised tree; raise RulesInvalid with per-field errors."""
    if isinstance(data, RuleTree):
        return data
    try:
        return RuleTree.model_validate(data if data is not None else {})
    except ValidationError as exc:
        errors = [{"field": _pointer(e["loc"]), "message": _message(e)} for e in exc.errors()]
        raise RulesInvalid("The segment rules are not valid.", errors) from None


def _pointer(loc: tuple) -> str:
    # Drop the union tags pydantic puts in the location ("rule"/"group").
    parts = [str(p) for i, p in enumerate(loc)
             if not (p in ("rule", "group") and i > 0 and isinstance(loc[i - 1], int))]
    return "/" + "/".join(parts) if parts else ""


def _message(error: dict) -> str:
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    if error["type"] == "missing":
        return "this field is required"
    if error["type"] == "too_short" and error["loc"][-1] == "rules":
        return "a group needs at least one condition"
    return error["msg"]
