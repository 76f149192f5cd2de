//go:build !wasip1

package temporal

// What Run makes of a workflow's return, through the test host: a CanceledError without a
// cancellation request, input that does not decode, and a plain Go error as failures.

import (
	"fmt"
	"testing"
)

func TestACanceledErrorWithoutARequestFailsTheWorkflow(t *testing.T) {
	_, outcome := run(func() {
		Run(func(struct{}) (any, error) { return nil, NewCanceledError() })
	})
	if outcome.Status != "failed" || outcome.Failure.Message != "workflow cancelled" {
		t.Fatalf("%+v", outcome)
	}
}

func TestInputThatDoesNotDecodeFailsAsInvalidInput(t *testing.T) {
	param, _ := NewPayload("not a number")
	host := &TestHost{Info: Info{Params: Payloads{param}}}
	outcome := host.Run(func() { Run(func(n int) (int, error) { return n, nil }) })
	if outcome.Status != "failed" || outcome.Failure.Type != "InvalidInput" || !outcome.Failure.NonRetryable {
		t.Fatalf("%+v", outcome)
	}
}

func TestAPlainErrorFailsWithItsGoTypeName(t *testing.T) {
	_, outcome := run(func() {
		Run(func(struct{}) (any, error) { return nil, fmt.Errorf("wrapped: %w", fmt.Errorf("boom")) })
	})
	if outcome.Failure.Message != "wrapped: boom" || outcome.Failure.Type != "wrapError" || outcome.Failure.NonRetryable {
		t.Fatalf("%+v", outcome.Failure)
	}
}
