module temporal-wasm-worker/guest/go/sdk

go 1.24
