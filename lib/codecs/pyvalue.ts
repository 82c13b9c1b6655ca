/** A decoded Python value as JSON: the PyValue format of shared/API.md. */
export type PyValue =
  | { type: "none" }
  | { type: "bool"; value: boolean }
  | { type: "int"; value: string }
  | { type: "float"; value: number | "nan" | "inf" | "-inf" }
  | { type: "str"; value: string }
  | { type: "bytes" | "bytearray"; base64: string; length: number }
  | { type: "list" | "tuple" | "set" | "frozenset"; items: PyValue[] }
  | { type: "dict"; items: [PyValue, PyValue][] }
  | { type: "datetime" | "date" | "time"; value: string }
  | { type: "timedelta"; value: string }
  | { type: "decimal" | "uuid"; value: string }
  | { type: "object"; class: string; value: PyValue; items?: [PyValue, PyValue][] | PyValue[] }
  | { type: "truncated"; omitted: number };

export type PyValueType = PyValue["type"];
