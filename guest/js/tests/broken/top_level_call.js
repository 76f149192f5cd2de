// A workflow that calls the worker at the top level of its module, which runs once, at build
// time: the build must refuse it, naming the file and the line of the call (line 6).
import { sleep } from "temporal";

const started = Date.now();
sleep(1000);

export default function topLevelCall() {
  return started;
}
