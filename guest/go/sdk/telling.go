package temporal

import "fmt"

// SetQueryResult publishes value (a json/plain payload; nil: no value) as the answer to the
// query name from now on. Queries are answered by the worker from the latest published value,
// without running workflow code: while the workflow waits, and after it has ended.
func SetQueryResult(name string, value any) error {
	if value == nil {
		hostSetQueryResult(name, nil)
		return nil
	}
	payload, err := NewPayload(value)
	if err != nil {
		return err
	}
	hostSetQueryResult(name, mustJSON(Payloads{payload}))
	return nil
}

// SetCurrentDetails sets the text (Markdown allowed) the Temporal UI shows as what the workflow
// is doing now.
func SetCurrentDetails(text string) { hostSetCurrentDetails(text) }

// UpsertSearchAttributes sets search attributes to JSON values (typed by the server from each
// attribute's registered type); a nil value removes one.
func UpsertSearchAttributes(attributes map[string]any) error {
	data, err := marshalJSON(attributes)
	if err != nil {
		return fmt.Errorf("temporal: search attributes: %w", err)
	}
	hostUpsertSearchAttributes(data)
	return nil
}

// UpsertMemo sets memo keys to values (each a json/plain payload); a nil value removes a key.
func UpsertMemo(memo map[string]any) error {
	payloads := make(map[string]*Payload, len(memo))
	for key, value := range memo {
		if value == nil {
			payloads[key] = nil
			continue
		}
		payload, err := NewPayload(value)
		if err != nil {
			return err
		}
		payloads[key] = &payload
	}
	hostUpsertMemo(mustJSON(payloads))
	return nil
}

// MetricKind is how a metric's values combine.
type MetricKind string

// The metric kinds.
const (
	// Counter adds whole non-negative values.
	Counter MetricKind = "counter"
	// Gauge sets the current value.
	Gauge MetricKind = "gauge"
	// Histogram records each value.
	Histogram MetricKind = "histogram"
)

// Metric is one value of a guest metric, exported on the worker's Prometheus endpoint as
// wasm_guest_<Name> with the workflow type and Labels as labels. It is not emitted while the
// worker replays history, so it counts each execution once.
type Metric struct {
	// Name, [A-Za-z_][A-Za-z0-9_]*.
	Name string `json:"name"`
	// Kind of metric.
	Kind MetricKind `json:"kind"`
	// Value to add, set or record.
	Value float64 `json:"value"`
	// Labels, at most 10.
	Labels map[string]string `json:"labels,omitempty"`
}

// EmitMetric emits one value of a metric.
func EmitMetric(metric Metric) { hostEmitMetric(mustJSON(metric)) }

// IncCounter adds value to the counter name with labels.
func IncCounter(name string, value float64, labels map[string]string) {
	EmitMetric(Metric{Name: name, Kind: Counter, Value: value, Labels: labels})
}
