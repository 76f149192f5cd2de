/**
 * json_value.ts: `JsonValue`, one node of the tree json_read.ts parses JSON into, and the
 * accessors a workflow reads it with.
 */

/** What a `JsonValue` holds. */
export const enum JsonKind {
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
}

/** Shared, always-empty `items` of scalars, so that parsing a scalar allocates no lists. Never add to it. */
const NO_ITEMS = new Array<JsonValue>();
/** Shared, always-empty `keys` of non-objects. Never add to it. */
const NO_KEYS = new Array<string>();

/**
 * One JSON value. A single class with a `kind` keeps the bundle small (no RTTI or virtual
 * calls); only the fields that belong to the kind are meaningful.
 */
export class JsonValue {
  /** The string's value (String), or the number's source text (Number). */
  text: string = "";
  /** The value of a Bool. */
  boolean: bool = false;
  /** Whether a Number is an integer: written without fraction or exponent, and fits in i64. */
  isInteger: bool = false;
  /** The value of a Number when `isInteger`. */
  integer: i64 = 0;
  /** Elements of an Array, or member values of an Object (parallel to `keys`). */
  items: JsonValue[];
  /** Member names of an Object, in document order; duplicates are kept. */
  keys: string[];

  /** Creates an empty value of `kind`. Only containers get their own (growable) lists. */
  constructor(public kind: JsonKind) {
    this.items = kind == JsonKind.Array || kind == JsonKind.Object ? new Array<JsonValue>() : NO_ITEMS;
    this.keys = kind == JsonKind.Object ? new Array<string>() : NO_KEYS;
  }

  /** A JSON string value. */
  static string(text: string): JsonValue {
    const value = new JsonValue(JsonKind.String);
    value.text = text;
    return value;
  }

  /** A JSON integer value. */
  static integer(number: i64): JsonValue {
    const value = new JsonValue(JsonKind.Number);
    value.text = number.toString();
    value.isInteger = true;
    value.integer = number;
    return value;
  }

  /** An empty JSON object, to fill with `set`. */
  static object(): JsonValue {
    return new JsonValue(JsonKind.Object);
  }

  /**
   * The member `key` of an Object, or null when this is not an Object or has no such member.
   * With duplicate keys the last one wins, as in JavaScript's `JSON.parse`.
   */
  get(key: string): JsonValue | null {
    if (this.kind != JsonKind.Object) return null;
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (unchecked(this.keys[i]) == key) return unchecked(this.items[i]);
    }
    return null;
  }

  /** Sets member `key` of an Object (replacing an existing one); does nothing on other kinds. */
  set(key: string, value: JsonValue): JsonValue {
    if (this.kind != JsonKind.Object) return this;
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (unchecked(this.keys[i]) == key) {
        unchecked(this.items[i] = value);
        return this;
      }
    }
    this.keys.push(key);
    this.items.push(value);
    return this;
  }

  /** Element `index` of an Array, or null when this is not an Array or is shorter. */
  at(index: i32): JsonValue | null {
    if (this.kind != JsonKind.Array || index < 0 || index >= this.items.length) return null;
    return unchecked(this.items[index]);
  }

  /** Number of elements of an Array or members of an Object; 0 for other kinds. */
  get length(): i32 {
    return this.items.length;
  }

  /** Whether this is a JSON null. */
  get isNull(): bool {
    return this.kind == JsonKind.Null;
  }

  /** Whether this is a JSON string. */
  get isString(): bool {
    return this.kind == JsonKind.String;
  }

  /** The string member `key`, or `fallback` when it is missing or not a string. */
  getString(key: string, fallback: string = ""): string {
    const value = this.get(key);
    return value !== null && value.kind == JsonKind.String ? value.text : fallback;
  }

  /** The string member `key`, or null when it is missing or not a string. */
  getStringOrNull(key: string): string | null {
    const value = this.get(key);
    return value !== null && value.kind == JsonKind.String ? value.text : null;
  }

  /** The integer member `key`, or `fallback` when it is missing or not an i64 integer. */
  getInteger(key: string, fallback: i64 = 0): i64 {
    const value = this.get(key);
    return value !== null && value.kind == JsonKind.Number && value.isInteger ? value.integer : fallback;
  }

  /** The boolean member `key`, or `fallback` when it is missing or not a boolean. */
  getBool(key: string, fallback: bool = false): bool {
    const value = this.get(key);
    return value !== null && value.kind == JsonKind.Bool ? value.boolean : fallback;
  }

  /** The value of a Number as f64 (NaN for other kinds). */
  toF64(): f64 {
    return this.kind == JsonKind.Number ? parseFloat(this.text) : NaN;
  }
}
