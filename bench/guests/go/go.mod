module temporal-wasm-worker/bench/guests/go

go 1.24

require temporal-wasm-worker/guest/go/sdk v0.0.0

// The SDK is built from this tree: no module is fetched.
replace temporal-wasm-worker/guest/go/sdk => ../../../guest/go/sdk
