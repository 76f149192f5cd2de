package temporal

import (
	"encoding/json"
	"time"
)

// RetryPolicy says how Temporal retries a failed activity, child workflow or run. Zero fields
// take Temporal's defaults (1 s initial interval, coefficient 2, at most 100 × the initial
// interval, unlimited attempts).
type RetryPolicy struct {
	// InitialInterval is the delay before the first retry.
	InitialInterval time.Duration
	// BackoffCoefficient multiplies the delay after each retry.
	BackoffCoefficient float64
	// MaximumInterval caps the delay.
	MaximumInterval time.Duration
	// MaximumAttempts caps the attempts, the first included (1: no retries; 0: unlimited).
	MaximumAttempts int32
	// NonRetryableErrorTypes are failure types that are never retried.
	NonRetryableErrorTypes []string
}

// retryPolicyJSON is RetryPolicy as the ABI spells it.
type retryPolicyJSON struct {
	InitialIntervalMs      uint64   `json:"initial_interval_ms,omitempty"`
	BackoffCoefficient     float64  `json:"backoff_coefficient,omitempty"`
	MaximumIntervalMs      uint64   `json:"maximum_interval_ms,omitempty"`
	MaximumAttempts        int32    `json:"maximum_attempts,omitempty"`
	NonRetryableErrorTypes []string `json:"non_retryable_error_types,omitempty"`
}

func (p *RetryPolicy) toJSON() *retryPolicyJSON {
	if p == nil {
		return nil
	}
	return &retryPolicyJSON{
		InitialIntervalMs:      millis(p.InitialInterval),
		BackoffCoefficient:     p.BackoffCoefficient,
		MaximumIntervalMs:      millis(p.MaximumInterval),
		MaximumAttempts:        p.MaximumAttempts,
		NonRetryableErrorTypes: p.NonRetryableErrorTypes,
	}
}

// millis is d in whole milliseconds, rounded up (so 1 ns is 1 ms, never 0); 0 for d <= 0.
func millis(d time.Duration) uint64 {
	if d <= 0 {
		return 0
	}
	return uint64((d + time.Millisecond - 1) / time.Millisecond)
}

// ActivityCancellationType says what cancelling an activity waits for.
type ActivityCancellationType string

// The activity cancellation types.
const (
	// TryCancel (the default) resolves the activity as cancelled at once and asks its worker to
	// stop.
	TryCancel ActivityCancellationType = "try_cancel"
	// WaitCancellationCompleted resolves once the activity has acknowledged the cancellation.
	WaitCancellationCompleted ActivityCancellationType = "wait_cancellation_completed"
	// Abandon resolves as cancelled at once and does not tell the activity.
	Abandon ActivityCancellationType = "abandon"
)

// ActivityOptions describe one activity call: its type, where it runs and how long it may take.
// Type and one of ScheduleToCloseTimeout and StartToCloseTimeout are required, as Temporal
// requires.
type ActivityOptions struct {
	// Type is the activity type, as the activity worker registered it.
	Type string
	// TaskQueue is where it runs ("" for the workflow's own).
	TaskQueue string
	// ActivityID ("" for its sequence number in the run, unique and stable on replay).
	ActivityID string
	// ScheduleToCloseTimeout bounds the whole activity, retries included.
	ScheduleToCloseTimeout time.Duration
	// ScheduleToStartTimeout bounds the time it waits in the task queue.
	ScheduleToStartTimeout time.Duration
	// StartToCloseTimeout bounds one attempt.
	StartToCloseTimeout time.Duration
	// HeartbeatTimeout bounds the time between heartbeats.
	HeartbeatTimeout time.Duration
	// RetryPolicy (nil for Temporal's default: unlimited retries).
	RetryPolicy *RetryPolicy
	// CancellationType says what Cancel waits for ("" for TryCancel).
	CancellationType ActivityCancellationType
	// Summary is shown in the Temporal UI.
	Summary string
}

// activityRequest is the JSON of start_activity.
type activityRequest struct {
	ActivityType             string           `json:"activity_type"`
	Args                     Payloads         `json:"args,omitempty"`
	TaskQueue                string           `json:"task_queue,omitempty"`
	ActivityID               string           `json:"activity_id,omitempty"`
	ScheduleToCloseTimeoutMs uint64           `json:"schedule_to_close_timeout_ms,omitempty"`
	ScheduleToStartTimeoutMs uint64           `json:"schedule_to_start_timeout_ms,omitempty"`
	StartToCloseTimeoutMs    uint64           `json:"start_to_close_timeout_ms,omitempty"`
	HeartbeatTimeoutMs       uint64           `json:"heartbeat_timeout_ms,omitempty"`
	RetryPolicy              *retryPolicyJSON `json:"retry_policy,omitempty"`
	CancellationType         string           `json:"cancellation_type,omitempty"`
	Summary                  string           `json:"summary,omitempty"`
}

func (o ActivityOptions) request(args ...any) ([]byte, error) {
	payloads, err := NewPayloads(args...)
	if err != nil {
		return nil, err
	}
	return marshalJSON(activityRequest{
		ActivityType:             o.Type,
		Args:                     payloads,
		TaskQueue:                o.TaskQueue,
		ActivityID:               o.ActivityID,
		ScheduleToCloseTimeoutMs: millis(o.ScheduleToCloseTimeout),
		ScheduleToStartTimeoutMs: millis(o.ScheduleToStartTimeout),
		StartToCloseTimeoutMs:    millis(o.StartToCloseTimeout),
		HeartbeatTimeoutMs:       millis(o.HeartbeatTimeout),
		RetryPolicy:              o.RetryPolicy.toJSON(),
		CancellationType:         string(o.CancellationType),
		Summary:                  o.Summary,
	})
}

// StartActivity schedules an activity with args (each encoded as a json/plain payload) and
// returns the Future of its result, decoded into Out. An argument that cannot be encoded gives
// a Future that has already failed, and schedules nothing.
func StartActivity[Out any](options ActivityOptions, args ...any) *Future[Out] {
	request, err := options.request(args...)
	if err != nil {
		return failedFuture[Out](err)
	}
	return newFuture[Out](hostStartActivity(request), "activity "+options.Type)
}

// ExecuteActivity runs an activity and blocks until its result, decoded into Out, is in. A
// failure is a *Failure of kind "activity" whose Type is the activity's application error type
// (with the error itself as its Cause):
//
//	reservation, err := temporal.ExecuteActivity[Reservation](temporal.ActivityOptions{
//		Type: "reserve_stock", TaskQueue: "inventory", StartToCloseTimeout: 10 * time.Second,
//	}, order)
func ExecuteActivity[Out any](options ActivityOptions, args ...any) (Out, error) {
	return StartActivity[Out](options, args...).Get()
}

// HTTPRequest is an HTTP activity: a request the worker makes itself, on its own activity
// poller, as an ordinary Temporal activity (retried by its retry policy, visible in history).
// Only hosts on the worker's allow-list may be called. Header values may name secrets,
// "{{secret NAME}}", which the worker fills in at call time (history keeps the placeholder).
type HTTPRequest struct {
	// Method, such as "GET" or "POST".
	Method string
	// URL, absolute http:// or https://.
	URL string
	// Headers to send.
	Headers map[string]string
	// Body to send (nil for none).
	Body []byte
	// StartToCloseTimeout bounds one attempt (the worker's default when neither timeout is set).
	StartToCloseTimeout time.Duration
	// ScheduleToCloseTimeout bounds every attempt together.
	ScheduleToCloseTimeout time.Duration
	// RetryPolicy (nil for Temporal's default).
	RetryPolicy *RetryPolicy
	// MaxResponseBytes caps the response body (0 for the worker's cap).
	MaxResponseBytes uint64
	// Local runs it as a local activity: for short calls, with no extra round trip to the server.
	Local bool
}

// httpRequestJSON is the JSON of start_http_activity.
type httpRequestJSON struct {
	Method                   string            `json:"method"`
	URL                      string            `json:"url"`
	Headers                  map[string]string `json:"headers,omitempty"`
	Body                     []byte            `json:"body,omitempty"`
	StartToCloseTimeoutMs    uint64            `json:"start_to_close_timeout_ms,omitempty"`
	ScheduleToCloseTimeoutMs uint64            `json:"schedule_to_close_timeout_ms,omitempty"`
	RetryPolicy              *retryPolicyJSON  `json:"retry_policy,omitempty"`
	MaxResponseBytes         uint64            `json:"max_response_bytes,omitempty"`
	Local                    bool              `json:"local,omitempty"`
}

func (r HTTPRequest) request() []byte {
	return mustJSON(httpRequestJSON{
		Method:                   r.Method,
		URL:                      r.URL,
		Headers:                  r.Headers,
		Body:                     r.Body,
		StartToCloseTimeoutMs:    millis(r.StartToCloseTimeout),
		ScheduleToCloseTimeoutMs: millis(r.ScheduleToCloseTimeout),
		RetryPolicy:              r.RetryPolicy.toJSON(),
		MaxResponseBytes:         r.MaxResponseBytes,
		Local:                    r.Local,
	})
}

// HTTPResponse is a completed HTTP activity's response (a 2xx or 3xx status; other statuses
// fail the activity, with the status and the capped response in the failure's details).
type HTTPResponse struct {
	// Status is the HTTP status code.
	Status int `json:"status"`
	// Headers are the response's headers.
	Headers map[string]string `json:"headers"`
	// Body is the response body.
	Body []byte `json:"body"`
}

// DecodeJSON decodes the response body as JSON into value (a pointer).
func (r *HTTPResponse) DecodeJSON(value any) error { return json.Unmarshal(r.Body, value) }

// StartHTTP starts an HTTP activity and returns the Future of its response.
func StartHTTP(request HTTPRequest) *Future[HTTPResponse] {
	return newFuture[HTTPResponse](hostStartHTTPActivity(request.request()), "HTTP activity "+request.Method+" "+request.URL)
}

// ExecuteHTTP runs an HTTP activity and blocks until its response is in. Statuses other than
// 2xx and 3xx, connection errors and timeouts are failures (retried by the retry policy first:
// 408, 429 and 5xx, connection errors and timeouts retryably, other 4xx not).
func ExecuteHTTP(request HTTPRequest) (HTTPResponse, error) {
	return StartHTTP(request).Get()
}
