/**
 * pure.ts: the pure parts (base64, JSON reading and writing) and the deterministic sources as
 * the fake worker answers them.
 */
import {
  JsonWriter, Payload, base64Decode, base64Encode, LogLevel, isReplaying, jsonString, logEnabled, logLevel,
  now, parseJson, parseJsonString, patched, randomBytes, utf8Bytes,
} from "../../sdk";
import { check, checkText, checkInt, some } from "./checks";

export function test_base64(): void {
  checkText(base64Encode(utf8Bytes("")), "", "empty");
  checkText(base64Encode(utf8Bytes("f")), "Zg==", "f");
  checkText(base64Encode(utf8Bytes("fo")), "Zm8=", "fo");
  checkText(base64Encode(utf8Bytes("foo")), "Zm9v", "foo");
  checkText(base64Encode(utf8Bytes("json/plain")), "anNvbi9wbGFpbg==", "json/plain");
  checkText(String.UTF8.decode(some(base64Decode("Zm9vYg=="), "foob").buffer), "foob", "decode foob");
  check(base64Decode("Zm9") === null, "bad length");
  check(base64Decode("Zm=v") === null, "padding inside");
  check(base64Decode("Zm9v!A==") === null, "bad character");
  check(base64Decode("====") === null, "only padding");
  checkInt(some(base64Decode(""), "empty").length, 0, "empty decode");
}

export function test_json_reading(): void {
  const value = some(parseJsonString(' {"a": [1, -2.5e3, true, null, "x\\u00e9\\ud83e\\udd80"], "a": {"b": 9223372036854775807}} '), "doc");
  checkInt(some(some(value.get("a"), "a").get("b"), "b").integer, 9223372036854775807, "last duplicate wins, i64 max");
  checkInt(value.keys.length, 2, "duplicates kept");
  const list = value.items[0];
  checkInt(list.length, 5, "array length");
  check(some(list.at(0), "0").isInteger, "1 is an integer");
  check(!some(list.at(1), "1").isInteger, "-2.5e3 is not an integer");
  check(some(list.at(1), "1").toF64() == -2500, "-2.5e3");
  check(some(list.at(2), "2").boolean, "true");
  check(some(list.at(3), "3").isNull, "null");
  checkText(some(list.at(4), "4").text, "xé🦀", "escapes and a surrogate pair");
  check(!some(parseJsonString("9223372036854775808"), "2^63").isInteger, "2^63 is not an i64");
  check(some(parseJsonString("-9223372036854775808"), "-2^63").integer == i64.MIN_VALUE, "-2^63 is");
  const invalid = ["", "01", "1.", "[1,]", '{"a" 1}', "tru", '"\\x"', '"a\tb"', "[1] [2]", "\xef\xbb\xbf1", "{,}", "-"];
  for (let i = 0; i < invalid.length; i++) check(parseJsonString(invalid[i]) === null, "rejects " + invalid[i]);
  // Invalid UTF-8 (a lone continuation byte, an overlong encoding, an encoded surrogate).
  const bad = new Uint8Array(3);
  bad[0] = 0x22; bad[1] = 0x80; bad[2] = 0x22;
  check(parseJson(bad) === null, "lone continuation byte");
  const overlong = new Uint8Array(4);
  overlong[0] = 0x22; overlong[1] = 0xc0; overlong[2] = 0xaf; overlong[3] = 0x22;
  check(parseJson(overlong) === null, "overlong");
  // Deep nesting is limited by memory, not by the wasm stack.
  const depth = 100000;
  const deep = new Uint8Array(depth * 2);
  for (let i = 0; i < depth; i++) {
    deep[i] = 0x5b;
    deep[depth + i] = 0x5d;
  }
  check(parseJson(deep) !== null, "100000 nested arrays");
}

export function test_json_writing(): void {
  checkText(jsonString('a"b\\c\n\t\u0001é🦀'), '"a\\"b\\\\c\\n\\t\\u0001é🦀"', "escapes");
  checkText(jsonString(String.fromCharCode(0xd800) + "x"), '"\\ud800x"', "a lone surrogate stays an escape");
  const w = new JsonWriter();
  w.beginObject().key("a").beginArray().integer(-1).number(2.5).bool(false).null().endArray()
    .key("b").beginObject().endObject().key("c").number(NaN).key("d").raw("[1,2]").endObject();
  checkText(w.toString(), '{"a":[-1,2.5,false,null],"b":{},"c":null,"d":[1,2]}', "writer");
  const doc = '{"x":[1,2.50,{"y":"é\\u0000"}],"z":{}}';
  checkText(new JsonWriter().value(some(parseJsonString(doc), "doc")).toString(), '{"x":[1,2.50,{"y":"é\\u0000"}],"z":{}}', "round trip");
  checkText(Payload.json('"Alice"').data, "IkFsaWNlIg==", "json payload data");
}

/** The harness answers now = 1767225600000, random bytes 0, 1, 2..., patched("v2") = 1, log level info. */
export function test_deterministic(): void {
  checkInt(now(), 1767225600000, "now");
  const bytes = randomBytes(4);
  check(bytes[0] == 0 && bytes[1] == 1 && bytes[2] == 2 && bytes[3] == 3, "random bytes");
  check(patched("v2"), "patched v2");
  check(!patched("v3", true), "not patched v3");
  check(!isReplaying(), "not replaying");
  check(logLevel() == LogLevel.Info, "log level");
  check(logEnabled(LogLevel.Warn) && !logEnabled(LogLevel.Debug), "log enabled");
}
