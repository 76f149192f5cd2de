// A workflow whose own code is fine but whose import has a syntax error: the build must name
// the imported file and its line (tests/build_errors.sh).
import total from "./broken_helper.js";

export default function importsBroken(order) {
  return total(order);
}
