// A workflow with a syntax error on line 7, column 14: the build must refuse it, naming the
// file and the line (tests/build_errors.sh).
import { sleep } from "temporal";

export default function syntaxError(name) {
  sleep(10);
  const x = {;
  return x;
}
