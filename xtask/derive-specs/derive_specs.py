#!/usr/bin/env python3
"""Derive OpenAPI operations from a vendor's official Python SDK.

The full upstream specs of OFAuth and OnlyFansAPI cannot be downloaded here, but
both vendors publish Python SDKs generated from them. This tool reads such an SDK
(a wheel, or its unpacked source) and writes an OpenAPI document holding the
operations that the vendored fragment lacks, in that vendor's own house style,
so the project's normalization rules treat it as they would the real spec.

Facts come from the SDK itself: HTTP method, path template and parameter names
from the resource code (read with `ast`), types and constraints from its pydantic
models and TypedDicts (asked of pydantic as JSON Schema, then rewritten in the
OpenAPI 3.0 dialect both vendors write). Nothing is invented: where the SDK says
nothing about a shape, the schema is `type: object` with an `x-derived-note`.

The output is deterministic: same input, byte-identical output.
"""

from __future__ import annotations

import argparse
import ast
import collections.abc
import copy
import csv
import email.parser
import importlib
import importlib.util
import inspect
import re
import shutil
import sys
import tempfile
import types as pytypes
import typing
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import typing_extensions
import yaml
from pydantic import TypeAdapter
from pydantic.json_schema import DefsRef, GenerateJsonSchema

# Order of methods under one path (the order the project's specs use).
METHOD_ORDER = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
HTTP_METHODS = {m.upper() for m in METHOD_ORDER}

# Internal reference prefix: schemas point at the book until `SchemaBook.finalize`
# decides, per named model, whether it is inlined or becomes a component.
BOOK_PREFIX = "#/x-book/"


@dataclass(frozen=True)
class ApiConfig:
    """What differs between the two SDKs' packaging."""

    dist_name: str  # the PyPI distribution name
    module: str  # the top-level import package inside the wheel


APIS = {
    # OFAuth's SDK (hand-written resource functions + datamodel-codegen models).
    "ofauth": ApiConfig(dist_name="onlyfans-sdk", module="onlyfans_sdk"),
    # OnlyFansAPI's SDK (Stainless).
    "onlyfansapi": ApiConfig(dist_name="onlyfans", module="onlyfansapi"),
}


class DeriveError(Exception):
    """An input the tool cannot work from; reported without a traceback."""


# --------------------------------------------------------------------------------------
# Staging the SDK: copy it into a temporary directory and import it from there, so the
# input is never modified (no __pycache__) and nothing is installed into the system.
# --------------------------------------------------------------------------------------


@dataclass
class StagedSdk:
    root: Path  # directory that holds the import package (put on sys.path)
    version: str
    source_name: str  # wheel file name, or the unpacked directory's name


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _read_metadata(root: Path, cfg: ApiConfig) -> str:
    """The distribution version, from the *.dist-info/METADATA next to the package."""
    for meta in sorted(root.glob("*.dist-info/METADATA")):
        message = email.parser.Parser().parsestr(meta.read_text(encoding="utf-8"))
        if _canonical(message.get("Name", "")) == _canonical(cfg.dist_name):
            return message["Version"]
    raise DeriveError(f"no {cfg.dist_name} *.dist-info/METADATA found in {root}")


def stage_sdk(source: Path, cfg: ApiConfig, workdir: Path) -> StagedSdk:
    root = workdir / "sdk"
    root.mkdir()
    wheel: Path | None = None
    if source.is_file() and source.suffix == ".whl":
        wheel = source
    elif source.is_dir() and (source / cfg.module / "__init__.py").is_file():
        shutil.copytree(source / cfg.module, root / cfg.module, ignore=shutil.ignore_patterns("__pycache__"))
        for info in sorted(source.glob("*.dist-info")):
            shutil.copytree(info, root / info.name)
        return StagedSdk(root, _read_metadata(root, cfg), source.name)
    elif source.is_dir():
        prefix = cfg.dist_name.replace("-", "_") + "-"
        wheels = sorted(p for p in source.glob("*.whl") if p.name.startswith(prefix))
        if len(wheels) != 1:
            raise DeriveError(
                f"expected exactly one {prefix}*.whl or a {cfg.module}/ package in {source}, "
                f"found {len(wheels)} wheels"
            )
        wheel = wheels[0]
    else:
        raise DeriveError(f"--from {source}: not a wheel or a directory")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(root)
    return StagedSdk(root, _read_metadata(root, cfg), wheel.name)


# --------------------------------------------------------------------------------------
# Schemas: pydantic JSON Schema (2020-12 dialect) rewritten into the OpenAPI 3.0 forms
# both vendors write (`nullable: true`, boolean `exclusiveMinimum`, no `const`).
# --------------------------------------------------------------------------------------


class QualifiedRefs(GenerateJsonSchema):
    """Name `$defs` after the model's module and qualified name.

    pydantic's default names are short class names, disambiguated per call; the
    Stainless SDK has a class `Data` in almost every module, so only the qualified
    name identifies a model across the many calls this tool makes.
    """

    def get_defs_ref(self, core_mode_ref: Any) -> DefsRef:
        core_ref, _mode = core_mode_ref
        parts = re.split(r"([\][,])", core_ref)
        ref = DefsRef("".join(part.rsplit(":", 1)[0] for part in parts))
        self._prioritized_defsref_choices[ref] = [ref]
        return ref


def _is_null(schema: Any) -> bool:
    return schema == {"type": "null"}


def book_ref(key: str) -> dict:
    return {"$ref": BOOK_PREFIX + key}


def strip_optional_idiom(schema: dict) -> dict:
    """Undo a generator's "optional means `T | None = None`" idiom.

    Both SDK generators write every optional field (and OFAuth every optional
    keyword argument) as `T | None = None`, whether or not upstream allows `null`
    there: in the vendored operations only `giphyId`, `videoSources` and
    `releaseForms` are nullable, though the SDK types dozens of their siblings the
    same way. An optional field therefore keeps its type, loses `nullable` and the
    `default: null` that only says "absent".
    """
    schema = dict(schema)
    if schema.get("default", 0) is None:
        del schema["default"]
    if schema.pop("nullable", False) and list(schema) == ["allOf"] and len(schema["allOf"]) == 1:
        return schema["allOf"][0]
    return schema


def to_oas30(node: Any, *, idiom: bool = True) -> Any:
    """Rewrite one pydantic JSON Schema node (recursively) into OpenAPI 3.0 style.

    `idiom`: the node's object properties come from a pydantic model, whose
    optional fields follow the `T | None = None` idiom (see strip_optional_idiom).
    """
    if isinstance(node, list):
        return [to_oas30(item, idiom=idiom) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict = {}
    for key, value in node.items():
        # Titles and descriptions are pydantic's echo of class names and the SDK's
        # prose; neither is a fact about the wire format.
        if key in ("title", "description", "examples", "$defs"):
            continue
        if key == "additionalProperties" and value is True:
            continue  # pydantic's `extra="allow"`: the default in OpenAPI anyway
        if key == "$ref":
            out["$ref"] = BOOK_PREFIX + value.rsplit("/", 1)[-1]
        elif key == "const":
            out["enum"] = [value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            out["minimum" if key == "exclusiveMinimum" else "maximum"] = value
            out[key] = True
        elif key == "properties":
            out[key] = {name: to_oas30(sub, idiom=idiom) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = to_oas30(value, idiom=idiom)
        elif key in ("anyOf", "oneOf", "allOf"):
            out[key] = [to_oas30(branch, idiom=idiom) for branch in value]
        elif key == "prefixItems":
            # A tuple: OpenAPI 3.0 has no positional items, so any of the member types.
            out["items"] = {"anyOf": [to_oas30(branch, idiom=idiom) for branch in value]}
        else:
            out[key] = copy.deepcopy(value)

    if isinstance(out.get("type"), list):
        types = [t for t in out["type"] if t != "null"]
        if len(types) < len(out["type"]):
            out["nullable"] = True
        out["type"] = types[0] if len(types) == 1 else types
        if isinstance(out["type"], list):
            out["anyOf"] = [{"type": t} for t in out.pop("type")]

    for union in ("anyOf", "oneOf"):
        if union not in out:
            continue
        branches = [b for b in out[union] if not _is_null(b)]
        nullable = len(branches) < len(out[union])
        if len(branches) == 1:
            del out[union]
            only = branches[0]
            if "$ref" in only:
                out["allOf"] = [only]  # 3.0 ignores siblings of `$ref`
            else:
                out = {**only, **out}
        elif branches:
            out[union] = branches
        else:
            del out[union]
        if nullable:
            out["nullable"] = True

    if idiom and isinstance(out.get("properties"), dict):
        required = set(out.get("required", []))
        out["properties"] = {
            name: (sub if name in required else strip_optional_idiom(sub))
            for name, sub in out["properties"].items()
        }
    return out


# Key order of a written schema: the order the vendored specs use (type first, then
# its refinements, then structure); anything else after, vendor extensions last.
SCHEMA_KEY_ORDER = [
    "$ref", "type", "format", "nullable", "enum", "minimum", "exclusiveMinimum", "maximum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
    "default", "items", "properties", "required", "additionalProperties", "anyOf", "oneOf", "allOf", "not",
]


def order_schema(schema: Any) -> Any:
    """Put a schema's keys (recursively) in SCHEMA_KEY_ORDER."""
    if not isinstance(schema, dict):
        return schema
    rank = {key: i for i, key in enumerate(SCHEMA_KEY_ORDER)}
    out = {}
    for key in sorted(schema, key=lambda k: (k.startswith("x-"), rank.get(k, len(rank)), k)):
        value = schema[key]
        if key == "properties" and isinstance(value, dict):
            value = {name: order_schema(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            value = order_schema(value)
        elif key in ("anyOf", "oneOf", "allOf"):
            value = [order_schema(branch) for branch in value]
        out[key] = value
    return out


def order_schemas_in(node: Any) -> Any:
    """Apply order_schema to every `schema` of a document (parameters, media types)."""
    if isinstance(node, list):
        return [order_schemas_in(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {key: order_schema(value) if key == "schema" else order_schemas_in(value) for key, value in node.items()}


def says_nothing(schema: dict) -> bool:
    """True when a schema gives no shape at all (`Any`, `Dict[str, Any]`, `object`)."""
    rest = {k: v for k, v in schema.items() if k not in ("type", "nullable", "default") and v != {}}
    return not rest and schema.get("type", "object") == "object"


def unknown_object(note: str) -> dict:
    return {"type": "object", "x-derived-note": note}


def _unwrap_annotated(tp: Any) -> tuple[Any, list, bool | None]:
    """Strip Annotated/Required/NotRequired.

    Returns the bare type, the Annotated metadata, and True/False when the key is
    marked Required/NotRequired (None when unmarked).
    """
    metadata: list = []
    marked: bool | None = None
    while True:
        origin = typing_extensions.get_origin(tp)
        if origin is typing_extensions.Annotated:
            metadata.extend(tp.__metadata__)
            tp = tp.__origin__
        elif origin in (typing_extensions.Required, typing.Required):
            marked = True
            tp = typing_extensions.get_args(tp)[0]
        elif origin in (typing_extensions.NotRequired, typing.NotRequired):
            marked = False
            tp = typing_extensions.get_args(tp)[0]
        else:
            return tp, metadata, marked


def _alias(metadata: Iterable[Any]) -> str | None:
    """The wire name Stainless records as `PropertyInfo(alias=...)` in `Annotated`."""
    for item in metadata:
        alias = getattr(item, "alias", None)
        if isinstance(alias, str):
            return alias
    return None


def _contains(tp: Any, predicate: Callable[[Any], bool]) -> bool:
    if predicate(tp):
        return True
    return any(_contains(arg, predicate) for arg in typing_extensions.get_args(tp))


@dataclass
class TypedDictField:
    py_name: str
    wire_name: str
    schema: dict
    required: bool


class SchemaBook:
    """Every named model met while deriving, keyed by `module.QualifiedName`.

    Operations refer to models through `#/x-book/<key>`; `finalize` then inlines
    each model or turns it into a component, once the whole document is known.
    """

    def __init__(self, binary_types: Iterable[Any] = ()) -> None:
        self.defs: dict[str, dict] = {}
        self._building: set[str] = set()
        # Types that mean "a file" (Stainless' FileTypes): multipart binary parts.
        self._binary_types = list(binary_types)

    # -- pydantic-backed types ----------------------------------------------------
    def from_pydantic(self, tp: Any, *, idiom: bool = True) -> dict:
        raw = TypeAdapter(tp).json_schema(
            mode="validation", schema_generator=QualifiedRefs, ref_template="#/$defs/{model}"
        )
        for key, body in sorted(raw.get("$defs", {}).items()):
            self.defs.setdefault(key, to_oas30(body))
        return to_oas30(raw, idiom=idiom)

    # -- TypedDicts (pydantic cannot read typing.TypedDict on Python < 3.12, nor
    #    Stainless' PropertyInfo aliases, so they are walked here) -----------------
    def from_type(self, tp: Any) -> dict:
        """Schema of a TypedDict field's type; `Optional` here really means nullable."""
        tp, _, _ = _unwrap_annotated(tp)
        if typing_extensions.is_typeddict(tp):
            return self.typeddict_ref(tp)
        if self._is_binary(tp):
            return {"type": "string", "format": "binary"}
        if not _contains(tp, lambda t: typing_extensions.is_typeddict(t) or self._is_binary(t)):
            return self.from_pydantic(tp, idiom=False)
        origin = typing_extensions.get_origin(tp)
        args = typing_extensions.get_args(tp)
        if origin in (typing.Union, pytypes.UnionType):
            members = [a for a in args if a is not type(None)]
            schemas = [self.from_type(a) for a in members]
            out: dict = schemas[0] if len(schemas) == 1 else {"anyOf": schemas}
            if len(members) < len(args):
                out = {"allOf": [out], "nullable": True} if "$ref" in out else {**out, "nullable": True}
            return out
        if inspect.isclass(origin) and issubclass(origin, collections.abc.Mapping):
            return {"type": "object", "additionalProperties": self.from_type(args[1])}
        # list, Sequence, Iterable, set ...: an array of the one argument.
        return {"type": "array", "items": self.from_type(args[0])}

    def _is_binary(self, tp: Any) -> bool:
        return any(tp == binary for binary in self._binary_types)

    def typeddict_fields(self, td: type) -> list[TypedDictField]:
        hints = typing_extensions.get_type_hints(td, include_extras=True)
        # __required_keys__ misses Required[...] written as a string annotation
        # (`from __future__ import annotations`, as Stainless writes), so an explicit
        # marker in the resolved hint decides first.
        required_keys = getattr(td, "__required_keys__", frozenset())
        fields = []
        for py_name, hint in hints.items():
            bare, metadata, marked = _unwrap_annotated(hint)
            wire = _alias(metadata) or py_name
            required = marked if marked is not None else py_name in required_keys
            fields.append(TypedDictField(py_name, wire, self.from_type(bare), required))
        return fields

    def typeddict_ref(self, td: type) -> dict:
        key = f"{td.__module__}.{td.__qualname__}"
        if key not in self.defs and key not in self._building:
            self._building.add(key)
            self.defs[key] = object_schema(self.typeddict_fields(td))
            self._building.discard(key)
        return book_ref(key)

    # -- resolution -----------------------------------------------------------------
    def resolve(self, schema: dict) -> dict:
        """Follow book references (for checks on the shape behind a reference)."""
        seen = set()
        while "$ref" in schema and schema["$ref"].startswith(BOOK_PREFIX):
            key = schema["$ref"][len(BOOK_PREFIX) :]
            if key in seen:
                break
            seen.add(key)
            schema = self.defs[key]
        return schema

    def finalize(self, doc: dict) -> tuple[dict, dict]:
        """Inline every book reference, or point it at components/schemas when
        the model is recursive (inlining would never end).

        The SDKs' class names are not kept otherwise: generators number them
        (`Type36`, `ListItem19`) and renumber them when any other operation
        changes, so the project names shapes by their place and by the
        overlay's domain names instead. A recursive model keeps its class name;
        a name two different models share is prefixed with the defining module's
        name.
        """
        reachable: list[str] = []

        def reach(node: Any) -> None:
            for key in _book_refs(node):
                if key not in reachable:
                    reachable.append(key)
                    reach(self.defs[key])

        reach(doc)
        recursive = {key for key in reachable if self._on_cycle(key)}
        components = sorted(
            key for key in reachable if key in recursive
        )
        names = _component_names(components)

        def rewrite(node: Any) -> Any:
            if isinstance(node, list):
                return [rewrite(item) for item in node]
            if not isinstance(node, dict):
                return node
            ref = node.get("$ref", "")
            if ref.startswith(BOOK_PREFIX):
                key = ref[len(BOOK_PREFIX) :]
                siblings = {k: rewrite(v) for k, v in node.items() if k != "$ref"}
                if key in names:
                    target = {"$ref": f"#/components/schemas/{names[key]}"}
                    return {"allOf": [target], **siblings} if siblings else target
                return {**rewrite(self.defs[key]), **siblings}
            out = {k: rewrite(v) for k, v in node.items()}
            if "allOf" in out and len(out["allOf"]) == 1 and "$ref" not in out["allOf"][0]:
                # An inlined model needs no wrapper (kept only because 3.0 ignores
                # the siblings of a `$ref`, such as `nullable`).
                rest = {k: v for k, v in out.items() if k != "allOf"}
                return {**out["allOf"][0], **rest}
            return out

        finalized = rewrite(doc)
        schemas = {names[key]: rewrite(self.defs[key]) for key in components}
        return finalized, dict(sorted(schemas.items()))

    def _on_cycle(self, start: str) -> bool:
        seen: set[str] = set()
        todo = list(_book_refs(self.defs[start]))
        while todo:
            key = todo.pop()
            if key == start:
                return True
            if key not in seen:
                seen.add(key)
                todo.extend(_book_refs(self.defs[key]))
        return False


def _book_refs(node: Any) -> list[str]:
    """Book keys referenced anywhere in `node`, in document order."""
    found: list[str] = []

    def walk(n: Any) -> None:
        if isinstance(n, dict):
            ref = n.get("$ref")
            if isinstance(ref, str) and ref.startswith(BOOK_PREFIX):
                found.append(ref[len(BOOK_PREFIX) :])
            for value in n.values():
                walk(value)
        elif isinstance(n, list):
            for item in n:
                walk(item)

    walk(node)
    return found


def _pascal(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", text) if part)


def _component_names(keys: list[str]) -> dict[str, str]:
    short = {key: key.rsplit(".", 1)[-1] for key in keys}
    names = {}
    for key in keys:
        name = short[key]
        if sum(1 for other in short.values() if other == name) > 1:
            module = key.rsplit(".", 2)[-2] if key.count(".") >= 2 else ""
            name = _pascal(module) + name
        names[key] = name
    if len(set(names.values())) != len(names):
        names = {key: _pascal(key) for key in keys}
    return names


def object_schema(fields: list[TypedDictField]) -> dict:
    schema: dict = {"type": "object", "properties": {f.wire_name: f.schema for f in fields}}
    required = [f.wire_name for f in fields if f.required]
    if required:
        schema["required"] = required
    return schema


# --------------------------------------------------------------------------------------
# Reading Python source with `ast` and resolving names by importing the staged SDK.
# --------------------------------------------------------------------------------------


def module_name_for(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def wheel_path(module_name: str, root: Path) -> str:
    """The path inside the wheel of the file that defines a module."""
    return Path(sys.modules[module_name].__file__ or "").relative_to(root).as_posix()


def import_map(tree: ast.Module, module_name: str) -> dict[str, tuple[str, str | None]]:
    """Local name -> (absolute module, attribute) for a module's top-level imports."""
    package = module_name.rpartition(".")[0]
    names: dict[str, tuple[str, str | None]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package) if node.level else node.module
            for alias in node.names:
                names[alias.asname or alias.name] = (base or "", alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (alias.name, None)
    return names


def resolve_name(node: ast.expr, imports: dict[str, tuple[str, str | None]]) -> tuple[Any, str]:
    """Resolve `Name` / `mod.Attr` against the imports; return (object, defining module)."""
    if isinstance(node, ast.Name):
        if node.id not in imports:
            raise DeriveError(f"cannot resolve name {node.id!r}")
        module, attr = imports[node.id]
        if attr is None:
            return importlib.import_module(module), module
        try:
            submodule = importlib.import_module(f"{module}.{attr}")
            return submodule, submodule.__name__
        except ModuleNotFoundError as error:
            if error.name != f"{module}.{attr}":
                raise  # a real import failure inside the SDK, not "attr is no module"
            return getattr(importlib.import_module(module), attr), module
    if isinstance(node, ast.Attribute):
        owner, owner_module = resolve_name(node.value, imports)
        value = getattr(owner, node.attr)
        return value, getattr(value, "__module__", owner_module) if inspect.isclass(value) else owner_module
    raise DeriveError(f"cannot resolve expression {ast.unparse(node)!r}")


def docstring_lines(node: ast.AST) -> list[str]:
    text = ast.get_docstring(node, clean=True) or ""
    return [line.strip() for line in text.splitlines()]


def path_params(template: str) -> list[str]:
    return re.findall(r"\{([^}]+)\}", template)


def shape_key(method: str, template: str) -> tuple[str, str]:
    """Method + path with parameter names blanked: SDKs rename path parameters."""
    return method.lower(), re.sub(r"\{[^}]*\}", "{}", template)


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# --------------------------------------------------------------------------------------
# The derived operations.
# --------------------------------------------------------------------------------------


@dataclass
class Operation:
    method: str  # lower case
    path: str
    op: dict  # the OpenAPI operation object
    path_parameters: list[dict] = field(default_factory=list)  # Scribe: at path level


@dataclass
class Derivation:
    operations: list[Operation]
    skipped: list[tuple[str, str]]  # (operation, reason)
    found: int
    notes: list[str]
    webhooks: dict = field(default_factory=dict)
    # `METHOD path` -> `x-derived-from` of each SDK operation the vendored text
    # already has: its place in the SDK (the call stays where it is when the
    # upstream text replaces derived entries).
    sdk_places: dict = field(default_factory=dict)


def derived_from(cfg: ApiConfig, version: str, files: Iterable[str]) -> dict:
    return {"package": cfg.dist_name, "version": version, "files": sorted(set(files))}


# ---------------------------------- OFAuth ---------------------------------------------


def ofauth_tag(module_title: str, vendored_tags: list[str]) -> str:
    """The vendored tag an SDK module belongs to ("Vault+ Media API" -> "Vault+")."""
    if module_title in vendored_tags:
        return module_title
    prefixes = [tag for tag in vendored_tags if module_title.startswith(tag + " ")]
    return max(prefixes, key=len) if prefixes else module_title


def model_base_name(template: str) -> str:
    """datamodel-codegen's name stem for a path: /v2/access/chats/{user_id} -> V2AccessChatsUserId."""
    return _pascal(template.replace("{", "/").replace("}", "/")) if template else ""


def _fstring_template(node: ast.expr) -> str:
    """f"{self.base_url}/v2/x/{item_id}" -> "/v2/x/{item_id}"."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    if not isinstance(node, ast.JoinedStr):
        raise DeriveError(f"path is not an f-string: {ast.unparse(node)}")
    out = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            out.append(str(part.value))
        elif isinstance(part, ast.FormattedValue):
            expr = ast.unparse(part.value)
            if expr != "self.base_url":
                out.append("{" + expr + "}")
    return "".join(out)


def ofauth_binary_uploads(pkg_dir: Path) -> dict[tuple[str, str], str]:
    """PUTs the client sends raw file bytes to (`content=`), from _client.py."""
    client = pkg_dir / "_client.py"
    found: dict[tuple[str, str], str] = {}
    if not client.is_file():
        return found
    for node in ast.walk(ast.parse(client.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr.upper() not in HTTP_METHODS or not node.args:
            continue
        if any(k.arg == "content" for k in node.keywords):
            template = _fstring_template(node.args[0])
            found[shape_key(node.func.attr, template)] = template
    return found


def derive_ofauth(staged: StagedSdk, cfg: ApiConfig, vendored: dict, book: SchemaBook) -> Derivation:
    pkg_dir = staged.root / cfg.module
    models = importlib.import_module(f"{cfg.module}.models") if (pkg_dir / "models.py").is_file() else None
    model_names = set(vars(models)) if models else set()
    vendored_tags = [t["name"] for t in vendored.get("tags", [])]
    binary = ofauth_binary_uploads(pkg_dir)
    operations: list[Operation] = []
    notes: list[str] = []
    found = 0
    for file in sorted(pkg_dir.glob("*.py")):
        if file.name.startswith("_") or file.stem in ("models", "webhooks"):
            continue
        module_name = f"{cfg.module}.{file.stem}"
        tree = ast.parse(file.read_text(encoding="utf-8"))
        title = (docstring_lines(tree) or [file.stem])[0]
        tag = ofauth_tag(re.sub(r"\s+API$", "", title), vendored_tags)
        module = importlib.import_module(module_name)
        for fn in tree.body:
            if not isinstance(fn, ast.FunctionDef):
                continue
            call = _ofauth_request_call(fn)
            if call is None:
                continue
            found += 1
            operations.append(
                _ofauth_operation(fn, call, module, module_name, tag, staged, cfg, book, models, model_names, binary)
            )
    unplaced = sorted(
        name
        for name in model_names
        if re.fullmatch(r"V2\w+(Get|Put|Post|Delete|Patch)(Request|Response)\d+", name)
        and name not in _models_referenced(book)
    )
    if unplaced:
        notes.append(
            "models.py classes not placed (a second response shape whose status code the SDK "
            f"does not say): {', '.join(unplaced)}"
        )
    return Derivation(operations, [], found, notes)


def _models_referenced(book: SchemaBook) -> set[str]:
    names = set()
    for key, body in book.defs.items():
        names.add(key.rsplit(".", 1)[-1])
        names.update(k.rsplit(".", 1)[-1] for k in _book_refs(body))
    return names


def _ofauth_request_call(fn: ast.FunctionDef) -> ast.Call | None:
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "request"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "client"
        ):
            return node
    return None


def _ofauth_operation(
    fn: ast.FunctionDef,
    call: ast.Call,
    module: Any,
    module_name: str,
    tag: str,
    staged: StagedSdk,
    cfg: ApiConfig,
    book: SchemaBook,
    models: Any,
    model_names: set[str],
    binary: dict,
) -> Operation:
    method = ast.literal_eval(call.args[0]).lower()
    assigns = {
        node.targets[0].id: node.value
        for node in fn.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    sdk_template = _fstring_template(assigns["path"])
    sdk_params = path_params(sdk_template)
    # The upstream spec names path parameters in camelCase (`userListId`); the SDK
    # converted them to snake_case.
    template = re.sub(r"\{([^}]+)\}", lambda m: "{" + camel(m.group(1)) + "}", sdk_template)
    kwargs = {k.arg for k in call.keywords}
    hints = typing.get_type_hints(getattr(module, fn.name))
    files = {f"{cfg.module}/{Path(module.__file__).name}"}

    lines = docstring_lines(fn)
    summary = next((line for line in lines if line), fn.name)
    permission = next((line for line in lines if line.startswith("**Permission Required:**")), None)

    parameters = []
    for name in sdk_params:
        parameters.append(
            {"schema": strip_optional_idiom(book.from_pydantic(hints.get(name, str))), "required": True, "name": camel(name), "in": "path"}
        )
    query = assigns.get("query")
    signature = inspect.signature(getattr(module, fn.name))
    if isinstance(query, ast.Dict):
        for key, value in zip(query.keys, query.values):
            wire = ast.literal_eval(key)
            py_name = _query_argument(value)
            hint = hints.get(py_name) if py_name else None
            schema = strip_optional_idiom(book.from_pydantic(hint)) if hint is not None else {"type": "string"}
            if says_nothing(schema):
                schema = unknown_object(f"the SDK passes this query value as {_shown(hint)}; its keys and their encoding are unknown")
            # A keyword without a default must be passed: the parameter is required.
            param = signature.parameters.get(py_name or "")
            required = param is not None and param.default is inspect.Parameter.empty
            parameters.append({"schema": schema, "required": required, "name": wire, "in": "query"})

    base = model_base_name(sdk_template)
    verb = method.capitalize()
    op: dict = {"tags": [tag], "summary": summary}
    if permission:
        op["description"] = f"{summary}\n\n{permission}"
    if parameters:
        op["parameters"] = parameters

    key = shape_key(method, sdk_template)
    if key in binary:
        files.add(f"{cfg.module}/_client.py")
        op["requestBody"] = {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            "x-derived-note": "OFAuthClient.upload_media sends the file's raw bytes here, with the file's own MIME type as Content-Type",
        }
    elif "body" in kwargs:
        schema, from_models = _ofauth_model_schema(f"{base}{verb}Request", hints.get("body"), book, models, model_names, "request body")
        if from_models:
            files.add(f"{cfg.module}/models.py")
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}

    schema, from_models = _ofauth_model_schema(f"{base}{verb}Response", hints.get("return"), book, models, model_names, "response")
    if from_models:
        files.add(f"{cfg.module}/models.py")
    op["responses"] = {"200": {"description": "Successful response", "content": {"application/json": {"schema": schema}}}}

    # Access (/v2/access/*) calls and the ones passing a connection id explicitly
    # (Vault+) send `x-connection-id`; the others only the API key.
    if template.startswith("/v2/access/") or "connection_id" in kwargs:
        op["security"] = [{"ApiKey": [], "ConnectionId": []}]
    else:
        op["security"] = [{"ApiKey": []}]
    op["x-derived-from"] = derived_from(cfg, staged.version, files)
    return Operation(method, template, op)


def _ofauth_model_schema(
    name: str, annotation: Any, book: SchemaBook, models: Any, model_names: set[str], what: str
) -> tuple[dict, bool]:
    """The schema of a request or response: models.py's model for this path first.

    The SDK's own annotations are less exact than models.py: several functions are
    annotated with the list endpoint's model or with `Dict[str, Any]` although
    models.py (generated from the vendor's spec) has the exact one.
    """
    if name in model_names:
        schema = book.from_pydantic(getattr(models, name))
        if says_nothing(book.resolve(schema)):
            return unknown_object(f"the SDK's model {name} declares no properties"), True
        return schema, True
    if inspect.isclass(annotation) and hasattr(annotation, "model_json_schema"):
        return book.from_pydantic(annotation), True
    return unknown_object(f"the SDK types this {what} as {_shown(annotation)} and models.py has no {name}"), False


def _shown(annotation: Any) -> str:
    """A type annotation as the SDK's source writes it (for notes)."""
    if annotation is None:
        return "nothing"
    if inspect.isclass(annotation):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def derive_ofauth_webhooks(staged: StagedSdk, cfg: ApiConfig, book: SchemaBook) -> dict:
    """OpenAPI 3.1 `webhooks`: one entry per event type webhooks.py routes."""
    file = staged.root / cfg.module / "webhooks.py"
    if not file.is_file():
        return {}
    module = importlib.import_module(f"{cfg.module}.webhooks")
    event_type = getattr(module, "WebhookEventType", None)
    envelope = getattr(module, "WebhookEvent", None)
    if event_type is None or envelope is None:
        return {}
    source = f"{cfg.module}/webhooks.py"
    webhooks = {}
    for event in typing_extensions.get_args(event_type):
        fields = book.typeddict_fields(envelope)
        for f in fields:
            if f.wire_name == "eventType":
                f.schema = {"type": "string", "enum": [event]}
            elif f.wire_name == "data":
                f.schema = _event_data_schema(module, event, book)
        webhooks[event] = {
            "post": {
                "tags": ["Realtime"],
                "summary": event,
                "requestBody": {"required": True, "content": {"application/json": {"schema": object_schema(fields)}}},
                "responses": {"200": {"description": "Event received"}},
                "x-derived-from": derived_from(cfg, staged.version, [source]),
            }
        }
    return dict(sorted(webhooks.items()))


def _event_data_schema(module: Any, event: str, book: SchemaBook) -> dict:
    """An event's payload TypedDict, found by the SDK's naming: connection.expired ->
    ExpiredConnectionEventData, else connection.* -> ConnectionEventData."""
    resource, _, action = event.partition(".")
    for name in (f"{_pascal(action)}{_pascal(resource)}EventData", f"{_pascal(resource)}EventData"):
        td = getattr(module, name, None)
        if td is not None and typing_extensions.is_typeddict(td):
            return book.typeddict_ref(td)
    return unknown_object(f"webhooks.py has no payload TypedDict for {event}")


# ------------------------------- OnlyFansAPI -------------------------------------------


@dataclass
class FactRow:
    method: str
    path: str
    tag: str
    operation_id: str
    summary: str
    query: list[str]


def read_facts(path: Path) -> list[FactRow]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    rows = []
    for record in csv.DictReader(lines, delimiter="\t"):
        rows.append(
            FactRow(
                record["method"].lower(),
                record["path"],
                record["tag"],
                record["operation_id"],
                record["summary"],
                [q for q in (record.get("query_parameters") or "").split(",") if q],
            )
        )
    return rows


def scribe_operation_id(method: str, template: str) -> str:
    """Scribe's operationId for an endpoint without a title: method + URI words."""
    parts = [p for p in re.split(r"[^\w+]", template) if p]
    return method.lower() + "".join(p[:1].upper() + p[1:] for p in parts)


def _query_format(root: Path, module: str) -> tuple[str, str]:
    """How the SDK serializes arrays and nested objects in query strings."""
    array_format, nested_format = "repeat", "brackets"
    client = root / module / "_client.py"
    qs = root / module / "_qs.py"
    for file in (qs, client):
        if not file.is_file():
            continue
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Querystring":
                for kw in node.keywords:
                    if kw.arg == "array_format":
                        array_format = ast.literal_eval(kw.value)
                    if kw.arg == "nested_format":
                        nested_format = ast.literal_eval(kw.value)
            if isinstance(node, ast.FunctionDef) and node.name == "__init__" and file == qs:
                positional = node.args.args[len(node.args.args) - len(node.args.defaults) :]
                pairs = list(zip(positional, node.args.defaults)) + list(zip(node.args.kwonlyargs, node.args.kw_defaults))
                for arg, default in pairs:
                    if isinstance(default, ast.Constant) and arg.arg in ("array_format", "nested_format"):
                        if arg.arg == "array_format":
                            array_format = default.value
                        else:
                            nested_format = default.value
    return array_format, nested_format


def derive_onlyfansapi(staged: StagedSdk, cfg: ApiConfig, book: SchemaBook, facts: list[FactRow] | None) -> Derivation:
    root = staged.root
    array_format, nested_format = _query_format(root, cfg.module)
    facts_by_shape = {shape_key(row.method, row.path): row for row in facts or []}
    operations: list[Operation] = []
    notes: list[str] = []
    found = 0
    for file in sorted((root / cfg.module / "resources").rglob("*.py")):
        module_name = module_name_for(file, root)
        tree = ast.parse(file.read_text(encoding="utf-8"))
        imports = import_map(tree, module_name)
        for cls in tree.body:
            # Sync and async resources describe the same operations: read the sync ones.
            if not isinstance(cls, ast.ClassDef) or "SyncAPIResource" not in [ast.unparse(b) for b in cls.bases]:
                continue
            for fn in cls.body:
                if not isinstance(fn, ast.FunctionDef):
                    continue
                call = _stainless_request_call(fn)
                if call is None:
                    continue
                found += 1
                operations.append(
                    _stainless_operation(
                        fn, call, cls.name, module_name, imports, staged, cfg, book,
                        facts_by_shape, (array_format, nested_format), notes,
                    )
                )
    return Derivation(operations, [], found, notes)


def _stainless_request_call(fn: ast.FunctionDef) -> ast.Call | None:
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "self"
            and node.func.attr.lstrip("_").upper() in HTTP_METHODS
            and node.func.attr.startswith("_")
        ):
            return node
    return None


def _transform_call(node: ast.expr | None) -> tuple[list[str] | None, ast.expr | None]:
    """`maybe_transform({...}, params.Params)` -> (dict keys, the TypedDict expression)."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("maybe_transform", "async_maybe_transform"):
        data, td = node.args[0], node.args[1]
        keys = [ast.literal_eval(k) for k in data.keys] if isinstance(data, ast.Dict) else None
        return keys, td
    return None, None


def _stainless_operation(
    fn: ast.FunctionDef,
    call: ast.Call,
    class_name: str,
    module_name: str,
    imports: dict,
    staged: StagedSdk,
    cfg: ApiConfig,
    book: SchemaBook,
    facts_by_shape: dict,
    query_format: tuple[str, str],
    notes: list[str],
) -> Operation:
    method = call.func.attr.lstrip("_").lower()
    target = call.args[0]
    template_kwargs: dict[str, str] = {}
    if isinstance(target, ast.Call):  # path_template("/api/{account}/...", account=account)
        sdk_template = ast.literal_eval(target.args[0])
        template_kwargs = {k.arg: ast.unparse(k.value) for k in target.keywords}
    else:
        sdk_template = ast.literal_eval(target)
    keywords = {k.arg: k.value for k in call.keywords}

    # Locals the method builds before the call: a body dict and extra headers.
    local_dicts: dict[str, ast.Dict] = {}
    header_args: dict[str, str] = {}
    accept = None
    content_type = None
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            value = node.value
            if name == "extra_headers" and isinstance(value, ast.Dict):
                for key, val in zip(value.keys, value.values):
                    if key is None and isinstance(val, ast.Call) and getattr(val.func, "id", "") == "strip_not_given":
                        inner = val.args[0]
                        for hk, hv in zip(inner.keys, inner.values):
                            header_args[ast.literal_eval(hk)] = ast.unparse(hv)
                    elif isinstance(key, ast.Constant) and key.value == "Accept":
                        accept = ast.literal_eval(val)
                    elif isinstance(key, ast.Constant) and key.value == "Content-Type":
                        content_type = ast.literal_eval(val)
            elif isinstance(value, ast.Call) and value.args and isinstance(value.args[0], ast.Dict):
                local_dicts[name] = value.args[0]  # body = deepcopy_with_paths({...}, ...)

    module = importlib.import_module(module_name)
    method_obj = getattr(getattr(module, class_name), fn.name)
    hints = typing.get_type_hints(method_obj)
    files = {wheel_path(module_name, staged.root)}

    def resolve_td(expr: ast.expr) -> tuple[Any, str]:
        obj, defining = resolve_name(expr, imports)
        files.add(wheel_path(defining, staged.root))
        return obj, defining

    # Path: the upstream names when the facts know this operation.
    fact = facts_by_shape.get(shape_key(method, sdk_template))
    template = fact.path if fact else sdk_template
    sdk_names = path_params(sdk_template)
    upstream_names = path_params(template)
    path_args = [template_kwargs.get(n, n) for n in sdk_names]
    path_parameters = []
    for upstream, py_arg in zip(upstream_names, path_args):
        schema = _plain_arg_schema(hints.get(py_arg, str), book)
        path_parameters.append({"in": "path", "name": upstream, "required": True, "schema": schema})

    parameters = []
    for wire, py_arg in header_args.items():
        parameters.append({"in": "header", "name": wire, "required": False, "schema": _plain_arg_schema(hints.get(py_arg, str), book)})

    query_keys, query_td = _transform_call(_make_request_option(keywords.get("options"), "query"))
    sdk_query_names: list[str] = []
    if query_td is not None:
        td, _ = resolve_td(query_td)
        for f in book.typeddict_fields(td):
            if f.py_name in path_args or (query_keys is not None and f.py_name not in query_keys):
                continue
            sdk_query_names.append(f.wire_name)
            parameters.append(_query_parameter(f, book, query_format))

    body_keys, body_td = _transform_call(keywords.get("body"))
    if body_td is not None and body_keys is None:
        body_arg = keywords["body"].args[0]
        if isinstance(body_arg, ast.Name) and body_arg.id in local_dicts:
            body_keys = [ast.literal_eval(k) for k in local_dicts[body_arg.id].keys]
    body_fields: list[TypedDictField] = []
    if body_td is not None:
        td, _ = resolve_td(body_td)
        body_fields = [
            f for f in book.typeddict_fields(td)
            if f.py_name not in path_args and (body_keys is None or f.py_name in body_keys)
        ]

    # Query names the upstream documents but the SDK does not send: Scribe types
    # them `string`; the SDK says nothing more.
    if fact:
        known = set(sdk_query_names) | {f.wire_name for f in body_fields}
        extra = [name for name in _top_level_query_names(fact.query) if name not in known]
        for name in extra:
            parameters.append({
                "in": "query", "name": name, "required": False, "schema": {"type": "string"},
                "x-derived-note": "documented upstream; the SDK does not send it",
            })
        if extra:
            notes.append(f"{method.upper()} {template}: upstream query parameters the SDK lacks, added as strings: {', '.join(extra)}")

    op: dict = {}
    if fact:
        op["summary"] = fact.summary
        op["operationId"] = fact.operation_id
    else:
        op["operationId"] = scribe_operation_id(method, template)
    if parameters:
        op["parameters"] = parameters
    if body_td is not None:
        multipart = "files" in keywords or content_type == "multipart/form-data"
        media = "multipart/form-data" if multipart else "application/json"
        op["requestBody"] = {
            "required": any(f.required for f in body_fields),
            "content": {media: {"schema": object_schema(body_fields)}},
        }
    op["responses"] = {"200": _stainless_response(keywords.get("cast_to"), accept, imports, book, files, staged.root)}
    if fact:
        op["tags"] = [fact.tag]
    op["x-derived-from"] = derived_from(cfg, staged.version, files)
    return Operation(method, template, op, path_parameters)


def _make_request_option(options: ast.expr | None, name: str) -> ast.expr | None:
    if isinstance(options, ast.Call):
        for kw in options.keywords:
            if kw.arg == name:
                return kw.value
    return None


def _plain_arg_schema(hint: Any, book: SchemaBook) -> dict:
    """A path or header argument: its type without Stainless' `Omit`/`NotGiven` markers."""
    args = typing_extensions.get_args(hint)
    if args and typing_extensions.get_origin(hint) in (typing.Union, pytypes.UnionType):
        kept = [a for a in args if getattr(a, "__name__", "") not in ("Omit", "NotGiven")]
        hint = kept[0] if len(kept) == 1 else typing.Union[tuple(kept)]
    return book.from_pydantic(hint, idiom=False)


def _query_argument(value: ast.expr) -> str | None:
    """The function argument a query value passes: `sort`, or, for a value
    chosen by a conditional expression, the argument it prefers
    (`sort if sort is not None else <derived from older arguments>`), whose
    annotation is the parameter's type. `None` for anything else."""
    if isinstance(value, ast.Name):
        return value.id
    if isinstance(value, ast.IfExp) and isinstance(value.body, ast.Name):
        test = value.test
        if (
            isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name)
            and test.left.id == value.body.id
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.IsNot)
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None
        ):
            return value.body.id
    return None


def _top_level_query_names(names: list[str]) -> list[str]:
    """`filter.online` documents a property of the object parameter `filter`."""
    out: list[str] = []
    for name in names:
        top = name.split(".")[0]
        if top not in out:
            out.append(top)
    return out


def _query_parameter(f: TypedDictField, book: SchemaBook, query_format: tuple[str, str]) -> dict:
    param: dict = {"in": "query", "name": f.wire_name, "required": f.required, "schema": f.schema}
    shape = book.resolve(f.schema)
    array_format, nested_format = query_format
    if shape.get("type") == "object" or "properties" in shape:
        # The SDK writes nested keys as filter[online]=1 (its default "brackets"
        # format), which OpenAPI spells deepObject.
        if nested_format == "brackets":
            param["style"] = "deepObject"
            param["explode"] = True
    elif shape.get("type") == "array" and array_format == "comma":
        param["style"] = "form"
        param["explode"] = False
    return param


def _stainless_response(
    cast_to: ast.expr | None, accept: str | None, imports: dict, book: SchemaBook, files: set, root: Path
) -> dict:
    if isinstance(cast_to, ast.Call) and getattr(cast_to.func, "id", "") == "cast":
        cast_to = cast_to.args[1]  # cast(Any, UnionAlias)
    if cast_to is None or (isinstance(cast_to, ast.Name) and cast_to.id == "NoneType"):
        return {
            "description": "Success",
            "x-derived-note": f"the SDK sends Accept: {accept or '(default)'} and discards the body; its media type and shape are unknown",
        }
    if isinstance(cast_to, ast.Name) and cast_to.id in ("str", "bytes"):
        media = accept or "text/plain"
        fmt = {"type": "string"} if cast_to.id == "str" else {"type": "string", "format": "binary"}
        return {"description": "Success", "content": {media: {"schema": fmt}}}
    obj, defining = resolve_name(cast_to, imports)
    files.add(wheel_path(defining, root))
    schema = book.from_pydantic(obj)
    if says_nothing(book.resolve(schema)):
        schema = unknown_object(f"the SDK's response type {ast.unparse(cast_to)} declares no properties")
    return {"description": "Success", "content": {accept or "application/json": {"schema": schema}}}


def facts_only_operations(facts: list[FactRow], covered: set[tuple[str, str]], facts_name: str) -> tuple[list[Operation], list[FactRow]]:
    """Upstream operations the SDK lacks: GETs are fully described by their path and
    query names, so they are added; the others would need a body nobody describes."""
    added, escape = [], []
    for row in facts:
        if shape_key(row.method, row.path) in covered:
            continue
        if row.method != "get":
            escape.append(row)
            continue
        params = []
        for name in _top_level_query_names(row.query):
            nested = [q.split(".", 1)[1] for q in row.query if q.startswith(name + ".")]
            schema: dict = {"type": "string"}
            param = {"in": "query", "name": name, "required": False, "schema": schema}
            if nested:
                param["schema"] = {"type": "object", "properties": {n: {"type": "string"} for n in nested}}
                param["style"] = "deepObject"
                param["explode"] = True
            params.append(param)
        op: dict = {"summary": row.summary, "operationId": row.operation_id}
        if params:
            op["parameters"] = params
        op["responses"] = {
            "200": {
                "description": "Success",
                "content": {"application/json": {"schema": unknown_object("the SDK lacks this operation; the upstream list gives no response shape")}},
            }
        }
        op["tags"] = [row.tag]
        op["x-derived-from"] = {"facts": facts_name}
        op["x-derived-note"] = "not in the SDK: path, tag, summary, operationId and query names come from the upstream operation list"
        path_parameters = [
            {"in": "path", "name": name, "required": True, "schema": {"type": "string"}} for name in path_params(row.path)
        ]
        added.append(Operation("get", row.path, op, path_parameters))
    return added, escape


# --------------------------------------------------------------------------------------
# Assembling and writing the document.
# --------------------------------------------------------------------------------------


def vendored_shapes(vendored: dict) -> dict[tuple[str, str], str]:
    """Each vendored operation's shape key, with the path as upstream writes it."""
    shapes = {}
    for path, item in (vendored.get("paths") or {}).items():
        for method in item:
            if method.upper() in HTTP_METHODS:
                shapes[shape_key(method, path)] = path
    return shapes


def assemble(cfg: ApiConfig, staged: StagedSdk, vendored: dict, derivation: Derivation, book: SchemaBook) -> dict:
    paths: dict[str, dict] = {}
    ordered_ops = sorted(derivation.operations, key=lambda o: (o.path, METHOD_ORDER.index(o.method)))
    for operation in ordered_ops:
        item = paths.setdefault(operation.path, {})
        if operation.path_parameters:  # Scribe declares path parameters once per path
            existing = {p["name"]: p for p in item.setdefault("parameters", [])}
            for param in operation.path_parameters:
                if param["name"] not in existing:
                    item["parameters"].append(param)
                elif existing[param["name"]] != param:
                    derivation.notes.append(
                        f"{operation.path}: {operation.method.upper()} types path parameter {param['name']} "
                        f"as {param['schema']}, an earlier method as {existing[param['name']]['schema']}; kept the earlier"
                    )
        item[operation.method] = operation.op
    ordered_paths = {}
    for path in sorted(paths):
        item = paths[path]
        ordered = {"parameters": item["parameters"]} if "parameters" in item else {}
        for method in METHOD_ORDER:
            if method in item:
                ordered[method] = item[method]
        ordered_paths[path] = ordered

    used_tags = sorted({t for op in derivation.operations for t in op.op.get("tags", [])} |
                       {t for hook in derivation.webhooks.values() for op in hook.values() for t in op.get("tags", [])})
    vendored_tag_info = {t["name"]: t for t in vendored.get("tags", [])}
    order = [t for t in vendored_tag_info if t in used_tags] + [t for t in used_tags if t not in vendored_tag_info]
    tags = [copy.deepcopy(vendored_tag_info.get(name, {"name": name})) for name in order]

    doc: dict = {"openapi": vendored["openapi"]}
    doc["info"] = {
        "title": vendored["info"]["title"],
        "version": vendored["info"]["version"],
        "description": (
            f"Operations of the {vendored['info']['title']} that the vendored fragment lacks, "
            f"derived by xtask/derive-specs from the vendor's Python SDK {cfg.dist_name} {staged.version}."
        ),
    }
    for key in ("servers", "security"):
        if key in vendored:
            doc[key] = copy.deepcopy(vendored[key])
    if tags:
        doc["tags"] = tags
    doc["paths"] = ordered_paths
    if derivation.webhooks:
        doc["webhooks"] = derivation.webhooks

    finalized, schemas = book.finalize(doc)
    finalized = order_schemas_in(finalized)
    schemas = {name: order_schema(schema) for name, schema in schemas.items()}
    components: dict = {}
    if schemas:
        components["schemas"] = schemas
    schemes = (vendored.get("components") or {}).get("securitySchemes")
    if schemes:
        components["securitySchemes"] = copy.deepcopy(schemes)
    out = {k: finalized[k] for k in ("openapi", "info", "servers", "security", "tags", "paths") if k in finalized}
    if derivation.sdk_places:
        out["x-sdk-places"] = dict(sorted(derivation.sdk_places.items()))
    if components:
        out["components"] = components
    if "webhooks" in finalized:
        out["webhooks"] = finalized["webhooks"]
    return out


class _Dumper(yaml.SafeDumper):
    """Block YAML, 2-space indent, list items indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(doc: dict) -> str:
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, default_flow_style=False, indent=2, width=100000, allow_unicode=True)


# --------------------------------------------------------------------------------------
# Command line.
# --------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    cfg = APIS[args.api]
    vendored = yaml.safe_load(Path(args.vendored).read_text(encoding="utf-8"))
    if args.facts and args.api != "onlyfansapi":
        raise DeriveError("--facts is only used for --api onlyfansapi")
    facts = read_facts(Path(args.facts)) if args.facts else None

    sys.dont_write_bytecode = True
    with tempfile.TemporaryDirectory(prefix="derive-specs-") as work:
        staged = stage_sdk(Path(args.source), cfg, Path(work))
        sys.path.insert(0, str(staged.root))
        try:
            binary_types = []
            if args.api == "onlyfansapi":
                types_module = importlib.import_module(f"{cfg.module}._types")
                if hasattr(types_module, "FileTypes"):
                    binary_types.append(types_module.FileTypes)
            book = SchemaBook(binary_types)
            if args.api == "ofauth":
                derivation = derive_ofauth(staged, cfg, vendored, book)
                derivation.webhooks = derive_ofauth_webhooks(staged, cfg, book)
            else:
                derivation = derive_onlyfansapi(staged, cfg, book, facts)

            vendored_ops = vendored_shapes(vendored)
            kept = []
            for operation in derivation.operations:
                key = shape_key(operation.method, operation.path)
                if key in vendored_ops:
                    derivation.skipped.append((f"{operation.method.upper()} {operation.path}", "already in the vendored openapi.yaml"))
                    derivation.sdk_places[f"{operation.method.upper()} {vendored_ops[key]}"] = operation.op["x-derived-from"]
                else:
                    kept.append(operation)
            derivation.operations = kept
            from_sdk = len(kept)
            escape: list[FactRow] = []
            facts_added: list[Operation] = []
            if facts is not None:
                covered = {shape_key(o.method, o.path) for o in kept} | set(vendored_ops)
                facts_added, escape = facts_only_operations(facts, covered, Path(args.facts).name)
                derivation.operations = kept + facts_added
            _check_unique_operation_ids(derivation.operations)
            doc = assemble(cfg, staged, vendored, derivation, book)
            text = dump_yaml(doc)
        finally:
            sys.path.remove(str(staged.root))

    Path(args.out).write_text(text, encoding="utf-8")
    report = [
        f"derive-specs: {args.api}: {cfg.dist_name} {staged.version} ({staged.source_name})",
        f"  operations found in the SDK: {derivation.found}",
        f"  skipped: {len(derivation.skipped)}",
        *[f"    {what}: {why}" for what, why in derivation.skipped],
        f"  written from the SDK: {from_sdk}",
    ]
    if facts is not None:
        report.append(f"  upstream operations the SDK lacks: {len(facts_added) + len(escape)}")
        report.append(f"    added from the facts (GET, request fully given by path and query names): {len(facts_added)}")
        report.extend(f"      {o.method.upper()} {o.path} ({o.op['operationId']})" for o in facts_added)
        report.append(f"    not added (escape hatch only: request body unknown): {len(escape)}")
        report.extend(f"      {r.method.upper()} {r.path} ({r.operation_id})" for r in escape)
    if derivation.webhooks:
        report.append(f"  webhooks: {len(derivation.webhooks)} ({', '.join(derivation.webhooks)})")
    unknown = _count_notes(doc)
    report.append(f"  schemas the SDK leaves unknown (x-derived-note): {unknown}")
    report.extend(f"  note: {n}" for n in derivation.notes)
    report.append(f"  wrote {args.out}")
    print("\n".join(report), file=sys.stderr)
    return 0


def _check_unique_operation_ids(operations: list[Operation]) -> None:
    seen: dict[str, str] = {}
    for operation in operations:
        op_id = operation.op.get("operationId")
        if op_id is None:
            continue
        where = f"{operation.method.upper()} {operation.path}"
        if op_id in seen:
            raise DeriveError(f"operationId {op_id} used by both {seen[op_id]} and {where}")
        seen[op_id] = where


def _count_notes(node: Any) -> int:
    if isinstance(node, dict):
        return ("x-derived-note" in node and node.get("type") == "object") + sum(_count_notes(v) for v in node.values())
    if isinstance(node, list):
        return sum(_count_notes(v) for v in node)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, choices=sorted(APIS))
    parser.add_argument("--from", dest="source", required=True, help="the SDK wheel, a directory holding it, or its unpacked source")
    parser.add_argument("--vendored", required=True, help="that API's vendored openapi.yaml")
    parser.add_argument("--out", required=True, help="the YAML file to write")
    parser.add_argument("--facts", help="onlyfansapi: TSV of upstream operations (path names, operationIds, summaries, tags)")
    args = parser.parse_args(argv)
    try:
        return run(args)
    except DeriveError as error:
        print(f"derive-specs: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
