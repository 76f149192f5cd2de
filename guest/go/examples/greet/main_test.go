//go:build !wasip1

package main

import (
	"testing"

	temporal "temporal-wasm-worker/guest/go/sdk"
)

func jsonParam(text string) temporal.Payload {
	return temporal.Payload{Metadata: map[string][]byte{temporal.EncodingKey: []byte(temporal.JSONPlain)}, Data: []byte(text)}
}

func greet(params ...temporal.Payload) temporal.Outcome {
	host := &temporal.TestHost{Info: temporal.Info{Params: params}}
	return host.Run(run)
}

func TestGreetsTheNameGiven(t *testing.T) {
	for text, want := range map[string]string{
		`"Alice"`:                          "Hello, Alice!",
		`"Zo\u00eb \"Z\" \\ \ud83e\udd80"`: "Hello, Zoë \"Z\" \\ 🦀!",
		`""`:                               "Hello, !",
	} {
		outcome := greet(jsonParam(text))
		var got string
		if outcome.Status != "completed" || outcome.Decode(&got) != nil || got != want {
			t.Errorf("%s: %+v", text, outcome)
		}
	}
}

func TestGreetsTheWorldWithoutParams(t *testing.T) {
	var got string
	if outcome := greet(); outcome.Decode(&got) != nil || got != "Hello, World!" {
		t.Errorf("%+v", outcome)
	}
}

func TestRefusesAnythingButAJSONString(t *testing.T) {
	binary := jsonParam(`"Alice"`)
	binary.Metadata[temporal.EncodingKey] = []byte("binary/plain")
	for _, param := range []temporal.Payload{jsonParam("null"), jsonParam("42"), jsonParam(`["Alice"]`),
		jsonParam(`{"name": "Alice"}`), jsonParam(""), jsonParam(`"unterminated`), binary} {
		outcome := greet(param)
		f := outcome.Failure
		if outcome.Status != "failed" || f.Message != "greet expects a JSON string name" || f.Type != "InvalidInput" || !f.NonRetryable {
			t.Errorf("%q: %+v", param.Data, outcome)
		}
	}
}
