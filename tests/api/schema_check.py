"""A small JSON Schema checker for the API's own OpenAPI document (jsonschema is not a dependency).

It covers what ninja and pydantic emit: $ref into components, type (one or several), enum, const, anyOf,
oneOf, allOf, properties, required, additionalProperties, items, and the date/date-time formats. It is
strict about objects: a property the schema does not declare is an error, so the document cannot fall
behind what the API really sends.
"""

import datetime as dt
from typing import Any

JSON_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, JSON_TYPES[name])


def _check_format(value: str, fmt: str) -> str | None:
    try:
        if fmt == "date-time":
            parsed = dt.datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                return "a date-time without a UTC offset"
        elif fmt == "date":
            dt.date.fromisoformat(value)
    except ValueError:
        return f"not a valid {fmt}"
    return None


def resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = document
        for part in ref[2:].split("/"):
            target = target[part]
        schema = target
    return schema


def errors(value: Any, schema: dict, document: dict, where: str = "$") -> list[str]:
    """Every way `value` breaks `schema`, each prefixed by where in the value it happens."""
    schema = resolve(schema, document)
    found: list[str] = []
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema["oneOf"]
        results = [errors(value, option, document, where) for option in options]
        matching = sum(1 for r in results if not r)
        if matching == 0:
            found.append(f"{where}: matches none of {len(options)} alternatives ({results})")
        elif "oneOf" in schema and matching > 1:
            found.append(f"{where}: matches more than one oneOf alternative")
    for part in schema.get("allOf", []):
        found += errors(value, part, document, where)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, t) for t in types):
            return [*found, f"{where}: {value!r} is not of type {types}"]
    if "const" in schema and value != schema["const"]:
        found.append(f"{where}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        if "format" in schema and (problem := _check_format(value, schema["format"])):
            found.append(f"{where}: {value!r} is {problem}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            found.append(f"{where}: longer than {schema['maxLength']}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            found.append(f"{where}: below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            found.append(f"{where}: above {schema['maximum']}")
    if isinstance(value, dict) and ("properties" in schema or schema.get("type") == "object"):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: required property {name!r} is missing")
        extra = schema.get("additionalProperties", False)
        for name, item in value.items():
            if name in properties:
                found += errors(item, properties[name], document, f"{where}.{name}")
            elif extra is False:
                found.append(f"{where}: property {name!r} is not declared in the schema")
            elif isinstance(extra, dict):
                found += errors(item, extra, document, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += errors(item, schema["items"], document, f"{where}[{index}]")
    return found


def response_schema(document: dict, path: str, method: str, status: int) -> dict:
    operation = document["paths"][path][method]
    return operation["responses"][str(status)]["content"]["application/json"]["schema"]
