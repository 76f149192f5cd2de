// greet returns "Hello, <name>!" for a JSON string argument, or greets the world.
//
// Input:  params[0], optional: a json/plain payload holding a JSON string.
// Result: the greeting, as a JSON string.
// Fails:  non-retryable InvalidInput "greet expects a JSON string name" for any other argument.
package main

import temporal "temporal-wasm-worker/guest/go/sdk"

func main() {}

//go:wasmexport run
func run() { temporal.Run(Greet) }

// Greet takes its arguments undecoded (Payloads) because a null argument must be refused, not
// read as "no name", and a bad argument must fail with this workflow's own message.
func Greet(args temporal.Payloads) (string, error) {
	name := "World"
	if len(args) > 0 {
		var decoded *string
		if err := args.Decode(0, &decoded); err != nil || decoded == nil {
			return "", temporal.NewNonRetryableFailure("greet expects a JSON string name", "InvalidInput")
		}
		name = *decoded
	}
	temporal.Infof("greeting %s", name)
	return "Hello, " + name + "!", nil
}
