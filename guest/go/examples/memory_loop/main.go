// memory_loop runs the echo activity N times, one after the other, keeping only a count: a
// workflow whose instance lives through N activity results, to show that the SDK frees each one
// (the worker caps the instance's memory for its whole life).
//
// Input: {"iterations": N}. Each iteration i (0 … N-1) runs echo on task queue inventory with
// the argument i. Result: {"iterations": N}.
package main

import (
	"time"

	temporal "temporal-wasm-worker/guest/go/sdk"
)

func main() {}

//go:wasmexport run
func run() { temporal.Run(MemoryLoop) }

// Input is the workflow's argument.
type Input struct {
	Iterations int `json:"iterations"` // how many activities to run
}

// Output is the workflow's result.
type Output struct {
	Iterations int `json:"iterations"` // how many activity results were taken
}

var echo = temporal.ActivityOptions{Type: "echo", TaskQueue: "inventory", StartToCloseTimeout: 10 * time.Second}

// MemoryLoop is the workflow. Each result is taken undecoded (Payloads) and dropped: it becomes
// garbage for Go's collector, so the heap stays the same size however many results come in.
func MemoryLoop(input Input) (Output, error) {
	done := 0
	for i := 0; i < input.Iterations; i++ {
		if _, err := temporal.ExecuteActivity[temporal.Payloads](echo, i); err != nil {
			return Output{}, err
		}
		done++
	}
	temporal.Infof("memory_loop took %d results", done)
	return Output{Iterations: done}, nil
}
