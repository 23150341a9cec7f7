"""Scenario files: TOML, validated, with inheritance and command-line overrides.

A scenario is one TOML file. Each table is a parameter group: the description of the
ecosystem (``[population]``, ``[structures]``, ``[territory]``, ``[money]``), the
behavioural constants of the processes (``[work]``, ``[wellbeing]``, ``[interactions]``,
``[conflict]``, ``[membership]``, ``[governance]``), and one table per mechanism
(``[rex]``, ``[mediation]``, ``[contractualisation]``, ``[stipend]``, ...). The mechanism
tables are not written here: :class:`Scenario` has one field per lever of
:data:`coopsim.mechanisms.REGISTRY`, named by its key, so a new lever is a new table
without a change to this module. A file may
start with ``extends = "tera.toml"`` to inherit every value from another file and change
only some; the parent is looked for next to the file, then among the shipped scenarios,
never in the working folder (a file means the same wherever it is run from). Any value can
be overridden at load time with ``"rex.enabled=true"``. A scenario's ``name`` (by default
its file name) is the name of its output folder, ``out/NAME``: a name that is not a plain
folder name (``../x``, ``a/b``) is refused.

Anything wrong (unknown key, wrong type, value out of range, unreadable file) raises
:class:`ScenarioError`, a ``ValueError`` whose one-line message names the file, the
field, the value and what is allowed.

Example::

    >>> from coopsim import load_scenario
    >>> s = load_scenario("tera", overrides=["rex.enabled=false"])
    >>> s.rex.enabled
    False
"""

from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field, ValidationError, field_validator
from pydantic.fields import FieldInfo

from .base import Mechanism, Params
from .conflict import ConflictParams
from .governance import GovernanceParams
from .interactions import InteractionParams
from .mechanisms import MECHANISM_NAMES as MECHANISM_NAMES  # the levers' keys, re-exported
from .mechanisms import REGISTRY, on_change
from .membership import MembershipParams
from .money import MoneyParams
from .population import PopulationParams
from .structures import StructuresParams
from .territory import TerritoryParams
from .wellbeing import WellbeingParams
from .work import WorkParams

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


FOLDER_NAME_RULE = "no '/' or '\\', no control character, not empty, '.' or '..', at most 255 bytes"


def is_folder_name(name: str) -> bool:
    """Whether ``name`` is one plain folder name, safe to join to an output folder.

    Example:
        >>> [is_folder_name(n) for n in ("tera", "TERA sans REX", "../tera", "a/b", "..", "")]
        [True, True, False, False, False, False]
    """
    return (
        name not in ("", ".", "..")
        and not any(c in "/\\" or unicodedata.category(c) == "Cc" for c in name)
        and len(name.encode("utf-8", "surrogatepass")) <= 255
    )


class ScenarioError(ValueError):
    """A scenario that cannot be used, with a one-line message saying why.

    Example:
        >>> try:
        ...     load_scenario("tera", overrides=["rex.every_weeks=0"])
        ... except ScenarioError as exc:
        ...     print("rex.every_weeks" in str(exc))
        True
    """


class RecordParams(Params):
    """What a run keeps.

    Example:
        >>> RecordParams(people_every=4).people_every
        4
    """

    people_every: int = Field(1, ge=1, le=520, description="weeks between two rows of a person in the people frame")


class Scenario(Params):
    """A whole scenario: the ecosystem, the behavioural constants and the levers.

    Example:
        >>> scenario = load_scenario("tera")
        >>> isinstance(scenario, Scenario), scenario.rex.every_weeks >= 1
        (True, True)
        >>> scenario.model_copy(update={"years": 2}).years       # a changed copy
        2
    """

    name: str = Field("unnamed", description="a short name; also the name of its output folder, out/NAME")
    description: str = ""
    years: float = Field(10, gt=0, le=200, description="default horizon in years (52 weeks each)")

    population: PopulationParams = Field(default_factory=PopulationParams)
    structures: StructuresParams
    territory: TerritoryParams = Field(default_factory=TerritoryParams)
    money: MoneyParams = Field(default_factory=MoneyParams)

    work: WorkParams = Field(default_factory=WorkParams)
    wellbeing: WellbeingParams = Field(default_factory=WellbeingParams)
    interactions: InteractionParams = Field(default_factory=InteractionParams)
    conflict: ConflictParams = Field(default_factory=ConflictParams)
    membership: MembershipParams = Field(default_factory=MembershipParams)
    governance: GovernanceParams = Field(default_factory=GovernanceParams)

    # here, one field per lever of the registry (``rex: Rex`` ...), added by _install_levers

    record: RecordParams = Field(default_factory=RecordParams)

    @field_validator("name")
    @classmethod
    def _folder_name(cls, name: str) -> str:
        """The name becomes a folder (``out/NAME``): no separator, no '..', no control character."""
        if not is_folder_name(name):
            raise ValueError(f"not usable as a folder name (out/NAME): {FOLDER_NAME_RULE}")
        return name

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            """A lever's table, e.g. ``scenario.rex`` (its field is added from the registry)."""

    def mechanisms(self) -> list[tuple[str, Mechanism]]:
        """(key, mechanism) pairs in the registry's fixed order: the order in which their
        ``modify`` run each week, and the names of their random streams. (A lever
        registered after this scenario was made is not in it.)

        Example:
            >>> [name for name, _ in load_scenario("tera").mechanisms()][:2]
            ['rex', 'mediation']
        """
        tables = self.__dict__
        return [(key, tables[key]) for key in REGISTRY if key in tables]

    def to_toml_dict(self) -> dict[str, Any]:
        """The scenario as plain data, ready to be written as TOML or JSON."""
        return self.model_dump(mode="json")


_OWN_FIELDS = dict(Scenario.__pydantic_fields__)


def _install_levers() -> None:
    """Give :class:`Scenario` one field per registered lever, between the processes'
    constants and ``record`` (so that files and dumps keep their order), and rebuild it.

    Pydantic has no public way to add a field to a class that exists; the class is kept
    (``isinstance`` and the imports of it stay right) and its field table is rewritten,
    then rebuilt with ``model_rebuild(force=True)``.
    """
    clash = sorted(set(REGISTRY) & set(_OWN_FIELDS))
    if clash:
        raise ValueError(f"lever key {clash[0]!r} is already a table of every scenario")
    own = dict(_OWN_FIELDS)
    record = own.pop("record")
    levers = {
        key: FieldInfo.from_annotated_attribute(lever, Field(default_factory=lever, description=lever.name_en))
        for key, lever in REGISTRY.items()
    }
    fields = Scenario.__pydantic_fields__
    fields.clear()
    fields.update({**own, **levers, "record": record})
    Scenario.model_rebuild(force=True)


on_change(_install_levers)


def resolve_path(ref: str | Path, base: Path | None = None) -> Path:
    """Find a scenario file: ``ref`` as a path, else a name among the shipped ``scenarios/``.

    Without ``base`` (a name or path typed on the command line) a relative ``ref`` is
    relative to the working folder, as any path a user types. With ``base`` (the folder of
    the file that names ``ref``: an ``extends`` or an experiment's ``scenario``) it is
    relative to ``base`` only, never to the working folder, so that a file means the same
    wherever it is run from. The error lists every place looked at.

    Example:
        >>> resolve_path("tera").name
        'tera.toml'
        >>> resolve_path("tera.toml", base=Path("/nowhere")) == SCENARIO_DIR / "tera.toml"
        True
    """
    candidates = [base / ref if base is not None else Path(ref)]
    name = str(ref)
    if not name.endswith(".toml"):
        candidates.append(SCENARIO_DIR / f"{name}.toml")
    candidates.append(SCENARIO_DIR / name)
    candidates = list(dict.fromkeys(candidates))
    for path in candidates:
        if path.is_file():
            return path
    raise ScenarioError(f"{ref}: no such scenario file (looked in {', '.join(str(c) for c in candidates)})")


def read_toml(path: Path, error: type[ValueError] = ScenarioError, what: str = "scenario") -> dict[str, Any]:
    """The tables of a TOML file (a scenario, an experiment), or ``error`` with one line
    naming the file and what is wrong: not TOML, not UTF-8 text, unreadable.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "s.toml"
        >>> _ = path.write_bytes('name = "tera"\\ndescription = "Écoute"\\n'.encode("latin-1"))
        >>> try:
        ...     read_toml(path)
        ... except ScenarioError as exc:
        ...     print(str(exc).split(": ", 1)[1])
        not UTF-8 text (byte 0xc9 on line 2); a scenario file must be saved as UTF-8
    """
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        byte = exc.object[exc.start]
        raise error(
            f"{path}: not UTF-8 text (byte 0x{byte:02x} on line {line}); a {what} file must be saved as UTF-8"
        ) from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror}") from None


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Values of ``top`` over ``base``; tables are merged key by key, lists replaced."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _load_raw(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    if path in seen:
        chain = " -> ".join(str(p.name) for p in (*seen, path))
        raise ScenarioError(f"{path}: 'extends' makes a loop ({chain})")
    data = read_toml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: extends = {parent!r}: expected the name of another scenario file")
    try:
        parent_path = resolve_path(parent, base=path.parent)
    except ScenarioError as exc:
        where = "a parent is looked for next to the file, then among the shipped scenarios"
        raise ScenarioError(f"{path}: extends = {parent!r}: {exc}; {where}") from None
    return _merge(_load_raw(parent_path.resolve(), (*seen, path)), data)


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split ``"rex.every_weeks=4"`` into (["rex", "every_weeks"], 4); values are read as TOML.

    Example:
        >>> parse_override("rex.every_weeks=4")
        (['rex', 'every_weeks'], 4)
        >>> parse_override("stipend.with_objectives=true")
        (['stipend', 'with_objectives'], True)
    """
    if "=" not in text:
        raise ScenarioError(f"--set {text!r}: expected KEY=VALUE, for example rex.enabled=true")
    key, raw = text.split("=", 1)
    key, raw = key.strip(), raw.strip()
    if not key or any(not part for part in key.split(".")):
        raise ScenarioError(f"--set {text!r}: the key {key!r} is not a dotted name like rex.enabled")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare word is taken as a string
    return key.split("."), value


def apply_overrides(data: dict[str, Any], overrides: list[str] | dict[str, Any]) -> dict[str, Any]:
    """Set dotted keys in raw scenario data (before validation).

    Example:
        >>> apply_overrides({"rex": {"enabled": True, "every_weeks": 8}}, ["rex.every_weeks=4"])
        {'rex': {'enabled': True, 'every_weeks': 4}}
    """
    items = (
        [parse_override(o) for o in overrides]
        if isinstance(overrides, list)
        else [(k.split("."), v) for k, v in overrides.items()]
    )
    for keys, value in items:
        node = data
        for part in keys[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ScenarioError(f"--set {'.'.join(keys)}: {part!r} is a value, not a table")
            node = child
        node[keys[-1]] = value
    return data


def _allowed_keys(loc: tuple[Any, ...], root: Any = None) -> list[str]:
    """Field names allowed at the table where ``loc``'s last key was refused, walking the
    schema from ``root`` (default: :class:`Scenario`); the key of a table of tables (a dict
    of models, like an experiment's factors) is stepped over."""
    model: Any = Scenario if root is None else root
    parts = [part for part in loc[:-1] if not isinstance(part, int)]
    skip_key = False
    for part in parts:
        if skip_key:
            skip_key = False
            continue
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return []
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        skip_key = getattr(ann, "__origin__", None) is dict
        model = next((a for a in (ann, *args) if hasattr(a, "model_fields")), None)
        if model is None:
            return []
    return sorted(model.model_fields) if hasattr(model, "model_fields") else []


def describe_errors(
    source: str,
    exc: ValidationError,
    overridden: tuple[str, ...] = (),
    origin: str = "overrides",
    root: Any = None,
) -> str:
    """One line naming the file, each field, its value and what is allowed (for a scenario,
    or for the model ``root`` a file is read into, such as an experiment).

    ``overridden`` lists the dotted keys set on top of the file, so that an error in one of
    them says where it came from (``origin``: ``"--set"`` on the command line, ``"overrides"``
    from Python) rather than blaming the file.

    Example:
        >>> from pydantic import ValidationError
        >>> from coopsim.mechanisms.rex import Rex
        >>> try:
        ...     Rex(every_weeks=0)
        ... except ValidationError as exc:
        ...     print(describe_errors("my.toml", exc))
        my.toml: every_weeks = 0: ...
    """
    parts = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or "(top level)"
        from_where = f" (from {origin})" if any(field == k or field.startswith(k + ".") for k in overridden) else ""
        value = err.get("input")
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            allowed = _allowed_keys(loc, root)
            hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
            parts.append(f"{field}{from_where}: unknown key{hint}")
        elif err["type"] == "missing":
            parts.append(f"{field}: required but missing")
        elif err["type"] == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            parts.append(f"{field}{from_where} = {value!r}: unknown {loc[-1]} (allowed: {expected})")
        elif not loc:  # a rule across fields: its message names them
            parts.append(msg)
        elif isinstance(value, dict | list):
            parts.append(f"{field}{from_where}: {msg}")
        else:
            parts.append(f"{field}{from_where} = {value!r}: {msg}")
    more = f" (and {len(parts) - 3} more)" if len(parts) > 3 else ""
    return f"{source}: " + "; ".join(parts[:3]) + more


def scenario_from_dict(
    data: dict[str, Any], source: str = "<scenario>", overridden: tuple[str, ...] = (), origin: str = "overrides"
) -> Scenario:
    """Validate raw data into a :class:`Scenario`, or raise :class:`ScenarioError`.

    Example:
        >>> import tomllib
        >>> data = tomllib.loads(resolve_path("tera").read_text(encoding="utf-8"))
        >>> data["rex"]["every_weeks"] = 4
        >>> scenario_from_dict(data, source="tera with monthly REX").rex.every_weeks
        4
    """
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(describe_errors(source, exc, overridden, origin)) from None


def override_keys(overrides: list[str] | dict[str, Any] | None) -> tuple[str, ...]:
    """The dotted keys an override list or dict sets.

    Example:
        >>> override_keys(["rex.enabled=false", "mediation.capacity_per_month=4"])
        ('rex.enabled', 'mediation.capacity_per_month')
        >>> override_keys({"welcome.capacity": 8})
        ('welcome.capacity',)
    """
    if not overrides:
        return ()
    if isinstance(overrides, dict):
        return tuple(overrides)
    return tuple(".".join(parse_override(o)[0]) for o in overrides)


def load_scenario(
    ref: str | Path, overrides: list[str] | dict[str, Any] | None = None, origin: str = "overrides"
) -> Scenario:
    """Load a scenario file (a path or a name in ``scenarios/``), resolving ``extends``.

    ``overrides`` is a list of ``"dotted.key=value"`` strings (as given to ``--set``) or a
    dict of dotted keys to values; an error in one of them is said to come from ``origin``.

    Example:
        >>> load_scenario("tera-without-rex").rex.enabled          # extends tera.toml, REX off
        False
        >>> load_scenario("tera", overrides={"mediation.capacity_per_month": 4}).mediation.capacity_per_month
        4
    """
    path = resolve_path(ref).resolve()
    data = _load_raw(path)
    if overrides:
        data = apply_overrides(data, overrides)
    data.setdefault("name", path.stem)
    return scenario_from_dict(data, source=str(path), overridden=override_keys(overrides), origin=origin)
