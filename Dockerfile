# syntax=docker/dockerfile:1
# temporal-wasm-worker: the daemon plus the Rust and C example bundles.
#
#   docker build -t temporal-wasm-worker .
#   docker run --rm -v "$PWD/my.toml:/etc/temporal-wasm-worker/worker.toml:ro" \
#       -v "$PWD/bundles:/opt/temporal-wasm-worker/bundles:ro" temporal-wasm-worker
#
# The image runs `temporal-wasm-worker run --config /etc/temporal-wasm-worker/worker.toml` as a
# non-root user; mount your own config and bundles over the baked-in examples, or override the
# command (`check --config …`, `exec …`).

FROM rust:1.95-slim-bookworm AS build
# binaryen shrinks the example bundles; clang and lld compile the C examples.
RUN apt-get update \
    && apt-get install -y --no-install-recommends binaryen clang lld \
    && rm -rf /var/lib/apt/lists/* \
    && rustup target add wasm32-unknown-unknown
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY build.rs ./
COPY src ./src
RUN cargo build --release --locked \
    && cp target/release/temporal-wasm-worker /usr/local/bin/temporal-wasm-worker
COPY guest ./guest
RUN BUNDLE_DIR=/opt/temporal-wasm-worker/bundles bash guest/build-all.sh rust c

FROM debian:bookworm-slim AS runtime
# ca-certificates: TLS to Temporal Cloud and other servers with public certificates.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin worker
COPY --from=build /usr/local/bin/temporal-wasm-worker /usr/local/bin/temporal-wasm-worker
COPY --from=build /opt/temporal-wasm-worker/bundles /opt/temporal-wasm-worker/bundles
COPY config/docker.toml /etc/temporal-wasm-worker/worker.toml
USER 10001
# Validates the baked-in (or mounted) config and bundles at build and run time alike.
RUN ["temporal-wasm-worker", "check", "--config", "/etc/temporal-wasm-worker/worker.toml"]
# Healthy while the worker is connected and polling (it refreshes worker.health_file).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["temporal-wasm-worker", "health", "--file", "/tmp/temporal-wasm-worker.health"]
ENTRYPOINT ["temporal-wasm-worker"]
CMD ["run", "--config", "/etc/temporal-wasm-worker/worker.toml"]
