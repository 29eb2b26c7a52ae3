# MedShare node image. Build stage compiles the node (and, inside it, the runtime's wasm);
# the final stage holds the node binary only.
FROM rust:1.95-bookworm AS builder
RUN apt-get update \
	&& apt-get install -y --no-install-recommends protobuf-compiler clang libclang-dev pkg-config \
	&& rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32v1-none wasm32-unknown-unknown && rustup component add rust-src
WORKDIR /src
COPY . .
RUN cargo build --locked --release -p medshare-node \
	&& cp target/release/medshare-node /medshare-node

FROM debian:bookworm-slim
RUN apt-get update \
	&& apt-get install -y --no-install-recommends ca-certificates \
	&& rm -rf /var/lib/apt/lists/* \
	&& useradd --create-home --uid 1000 --user-group --home-dir /medshare medshare \
	&& mkdir /data && chown medshare:medshare /data
COPY --from=builder /medshare-node /usr/local/bin/medshare-node
USER medshare
# p2p, JSON-RPC (HTTP and WebSocket), Prometheus
EXPOSE 30333 9944 9615
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/medshare-node"]
