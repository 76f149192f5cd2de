// A TypeScript workflow with a syntax error on line 6, column 14: tsc refuses it, naming the file
// and the line (tests/build_errors.sh).
import { sleep } from "temporal";

export default function syntaxError(name: string): string {
  const x = {;
  sleep(10);
  return `${x}${name}`;
}
