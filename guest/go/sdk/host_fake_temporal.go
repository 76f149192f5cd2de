//go:build !wasip1

// What a test does as Temporal when its TestHost runs a workflow (host_fake.go): resolve the
// handles of commands, fire timers, send signals and updates, request cancellation; and what it
// reads back of the run (pending commands, query results, update answers, calls by name).

package temporal

import "fmt"

// Resolve makes resultJSON ({"completed": [...]}, {"failed": ...} or {"cancelled": ...}) the
// result of a command's handle.
func (h *TestHost) Resolve(handle uint32, resultJSON string) { h.push(handle, resultJSON) }

// CompleteActivity resolves a command's handle as completed with value (a json/plain payload;
// nil for no payload).
func (h *TestHost) CompleteActivity(handle uint32, value any) {
	payloads := Payloads{}
	if value != nil {
		payload, err := NewPayload(value)
		if err != nil {
			panic(err)
		}
		payloads = Payloads{payload}
	}
	h.push(handle, string(mustJSON(struct {
		Completed Payloads `json:"completed"`
	}{payloads})))
}

// FailActivity resolves a command's handle as failed with failure.
func (h *TestHost) FailActivity(handle uint32, failure *Failure) {
	h.push(handle, string(mustJSON(struct {
		Failed *Failure `json:"failed"`
	}{failure})))
}

// FireTimer resolves a timer's handle as fired.
func (h *TestHost) FireTimer(handle uint32) { h.push(handle, `{"completed":[]}`) }

// Signal sends the signal name with args (json/plain payloads); it waits in the host until the
// workflow opens a channel for the name.
func (h *TestHost) Signal(name string, args ...any) {
	h.ensure()
	payloads, err := NewPayloads(args...)
	if err != nil {
		panic(err)
	}
	if payloads == nil {
		payloads = Payloads{}
	}
	item := string(mustJSON(struct {
		Completed Payloads `json:"completed"`
	}{payloads}))
	if handle, open := h.channels["signal:"+name]; open {
		h.push(handle, item)
	} else {
		h.heldSignals[name] = append(h.heldSignals[name], item)
	}
}

// Update sends the update name with id and args. With no channel of that name open it is
// rejected at once, as the worker does at the end of the workflow task; its answer is in
// UpdateAnswer either way, once given.
func (h *TestHost) Update(id, name string, args ...any) {
	h.ensure()
	payloads, err := NewPayloads(args...)
	if err != nil {
		panic(err)
	}
	if payloads == nil {
		payloads = Payloads{}
	}
	h.updateNames[id] = name
	handle, open := h.channels["update:"+name]
	if !open {
		h.Calls = append(h.Calls, HostCall{Name: "respond_update", Target: id,
			JSON: fmt.Sprintf(`{"rejected":{"message":"no update channel named %s is open"}}`, name)})
		h.answered[id] = true
		return
	}
	h.push(handle, string(mustJSON(struct {
		UpdateID string   `json:"update_id"`
		Args     Payloads `json:"args"`
	}{id, payloads})))
}

// UpdateAnswer is the JSON the update id was answered with ("" if it was not).
func (h *TestHost) UpdateAnswer(id string) string {
	for _, call := range h.Calls {
		if call.Name == "respond_update" && call.Target == id {
			return call.JSON
		}
	}
	return ""
}

// RequestCancellation requests the workflow's cancellation.
func (h *TestHost) RequestCancellation() {
	h.ensure()
	h.cancelled = true
	if handle, open := h.channels["cancellation"]; open {
		h.push(handle, `{"completed":[]}`)
	}
}

// Pending are the commands whose handles have no result yet (timers, activities, children,
// external calls), in call order.
func (h *TestHost) Pending() []HostCall {
	var pending []HostCall
	for _, entry := range h.handles {
		if !entry.channel && !entry.taken && len(entry.results) == 0 {
			pending = append(pending, entry.call)
		}
	}
	return pending
}

// QueryResult is the JSON last published for query name ("" if none).
func (h *TestHost) QueryResult(name string) string {
	result := ""
	for _, call := range h.Calls {
		if call.Name == "set_query_result" && call.Target == name {
			result = call.JSON
		}
	}
	return result
}

// CallsNamed are the calls of one ABI call name, in order.
func (h *TestHost) CallsNamed(name string) []HostCall {
	var calls []HostCall
	for _, call := range h.Calls {
		if call.Name == name {
			calls = append(calls, call)
		}
	}
	return calls
}
