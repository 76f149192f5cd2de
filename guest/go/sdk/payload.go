package temporal

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// EncodingKey is the metadata key that names how a payload's Data is encoded.
const EncodingKey = "encoding"

// JSONPlain is the encoding of JSON text, which Temporal's clients use for every ordinary value.
const JSONPlain = "json/plain"

// Payload is Temporal's unit of data: a workflow argument or result, an activity argument or
// result, a signal argument, a failure detail.
//
// Fields hold decoded bytes; base64 exists only in the ABI's JSON, where a payload reads
// {"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "IkFsaWNlIg=="} (encoding/json
// writes and reads []byte as standard padded base64, exactly as the ABI wants).
type Payload struct {
	// Metadata such as "encoding"; keys are plain strings, values are bytes.
	Metadata map[string][]byte `json:"metadata,omitempty"`
	// Data is the encoded value itself.
	Data []byte `json:"data"`
}

// Payloads is a list of payloads: a workflow's start arguments, a signal's arguments, a
// failure's details. Take Payloads as a workflow's input (see Run) or a result type (see Future)
// to get every payload undecoded.
type Payloads []Payload

// NewPayload encodes value as a json/plain payload, the way Temporal's default data converter
// does. A Payload passes through unchanged, so callers can mix encoded and plain values.
func NewPayload(value any) (Payload, error) {
	if payload, ok := value.(Payload); ok {
		return payload, nil
	}
	data, err := marshalJSON(value)
	if err != nil {
		return Payload{}, fmt.Errorf("temporal: value cannot be encoded as JSON: %w", err)
	}
	return Payload{Metadata: map[string][]byte{EncodingKey: []byte(JSONPlain)}, Data: data}, nil
}

// NewPayloads encodes each value with NewPayload.
func NewPayloads(values ...any) (Payloads, error) {
	if len(values) == 0 {
		return nil, nil
	}
	payloads := make(Payloads, len(values))
	for i, value := range values {
		payload, err := NewPayload(value)
		if err != nil {
			return nil, err
		}
		payloads[i] = payload
	}
	return payloads, nil
}

// Encoding is the payload's "encoding" metadata, or "" when it has none.
func (p Payload) Encoding() string { return string(p.Metadata[EncodingKey]) }

// Decode decodes a json/plain payload into value, a pointer (as json.Unmarshal takes).
//
// Any other encoding, or none, is refused before the data is looked at, so a binary/plain
// payload whose bytes happen to be valid JSON is still an error.
func (p Payload) Decode(value any) error {
	if encoding := p.Encoding(); encoding != JSONPlain {
		if encoding == "" {
			return fmt.Errorf("temporal: payload has no %q metadata, expected %q", EncodingKey, JSONPlain)
		}
		return fmt.Errorf("temporal: payload encoding is %q, expected %q", encoding, JSONPlain)
	}
	if err := json.Unmarshal(p.Data, value); err != nil {
		return fmt.Errorf("temporal: payload data does not decode: %w", err)
	}
	return nil
}

// MarshalJSON writes the ABI's form; empty data is "" (never null, which the host refuses).
func (p Payload) MarshalJSON() ([]byte, error) {
	type wire Payload // the same fields without this method
	if p.Data == nil {
		p.Data = []byte{}
	}
	return json.Marshal(wire(p))
}

// Decode decodes payload i into value; a missing payload is an error.
func (p Payloads) Decode(i int, value any) error {
	if i < 0 || i >= len(p) {
		return fmt.Errorf("temporal: no payload %d (there are %d)", i, len(p))
	}
	return p[i].Decode(value)
}

// marshalJSON is json.Marshal without HTML escaping (so "<" stays "<", as every other SDK of
// this worker writes it) and without the encoder's trailing newline.
func marshalJSON(value any) ([]byte, error) {
	var buf bytes.Buffer
	encoder := json.NewEncoder(&buf)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(value); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// mustJSON encodes a value the SDK built itself, which always encodes.
func mustJSON(value any) []byte {
	data, err := marshalJSON(value)
	if err != nil {
		panic("temporal: encoding " + fmt.Sprintf("%T", value) + ": " + err.Error())
	}
	return data
}

// decodeAs decodes a result's payloads into T: every payload when T is Payloads, nothing for an
// empty list (T's zero value), else the first payload.
func decodeAs[T any](payloads Payloads) (T, error) {
	var value T
	if all, ok := any(&value).(*Payloads); ok {
		*all = payloads
		return value, nil
	}
	if len(payloads) == 0 {
		return value, nil
	}
	err := payloads[0].Decode(&value)
	return value, err
}
