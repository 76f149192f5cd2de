// bench_steps is the durable benchmarks' workflow (bench/guests/README.md), in Go.
//
// Input: {"before", "timers", "timer_ms", "after", "park_ms", "activity_queue"}, every field
// optional (0, or "bench-activities" for the queue). Steps: before echo activities, timers
// timers of timer_ms, after echo activities, one after the other (each echo gets its step
// number); then, when park_ms > 0, waits for signal release at most park_ms (the timer is
// cancelled if the signal wins). Result: {"done": steps taken}, a release counting as one.
package main

import (
	"time"

	temporal "temporal-wasm-worker/guest/go/sdk"
)

func main() {}

//go:wasmexport run
func run() { temporal.Run(BenchSteps) }

// Input is the workflow's argument.
type Input struct {
	Before        int    `json:"before"`
	Timers        int    `json:"timers"`
	TimerMs       int    `json:"timer_ms"`
	After         int    `json:"after"`
	ParkMs        int    `json:"park_ms"`
	ActivityQueue string `json:"activity_queue"`
}

// Output is the workflow's result.
type Output struct {
	Done int `json:"done"`
}

// BenchSteps is the workflow.
func BenchSteps(input Input) (Output, error) {
	queue := input.ActivityQueue
	if queue == "" {
		queue = "bench-activities"
	}
	echo := temporal.ActivityOptions{Type: "echo", TaskQueue: queue, StartToCloseTimeout: 10 * time.Second}
	done := 0
	for i := 0; i < input.Before; i++ {
		if _, err := temporal.ExecuteActivity[temporal.Payloads](echo, i); err != nil {
			return Output{}, err
		}
		done++
	}
	for i := 0; i < input.Timers; i++ {
		if err := temporal.Sleep(time.Duration(max(input.TimerMs, 1)) * time.Millisecond); err != nil {
			return Output{}, err
		}
		done++
	}
	for i := 0; i < input.After; i++ {
		if _, err := temporal.ExecuteActivity[temporal.Payloads](echo, input.Before+i); err != nil {
			return Output{}, err
		}
		done++
	}
	if input.ParkMs > 0 {
		release := temporal.SignalChannel[temporal.Payloads]("release")
		temporal.Select(
			temporal.OnReceive[temporal.Payloads](release, func(temporal.Payloads, bool) { done++ }),
			temporal.OnTimeout(time.Duration(input.ParkMs)*time.Millisecond, nil),
		)
	}
	return Output{Done: done}, nil
}
