# The IronLB image: one Node.js program, `ironlb`, that runs as the controller or the speaker
# (config/controller/deployment.yaml, config/speaker/daemonset.yaml pass the subcommand).
#
#   docker build -t ghcr.io/ironlb/ironlb:0.1.0 .
#   docker run --rm ghcr.io/ironlb/ironlb:0.1.0 --help
#
# Build stage: compilers for the native addon (@ironlb/sys: AF_PACKET, TCP MD5), all npm
# dependencies, the TypeScript build, then only production dependencies are kept.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.base.json tsconfig.node.json tsconfig.pure.json ./
COPY scripts/ scripts/
COPY packages/ packages/
# `npm ci` builds the addon (packages/sys install script) and runs `tsc -b` (root prepare).
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf packages/*/src packages/*/test packages/*/bench packages/*/dist/.tsbuildinfo \
           packages/sys/build/Release/obj.target

# Runtime stage: Node.js and the built program, nothing else. The controller runs as
# uid 65532 with a read-only root filesystem; the speaker's DaemonSet runs it as uid 0 with
# only NET_RAW and NET_ADMIN (see config/speaker/daemonset.yaml for why).
FROM node:20-bookworm-slim
LABEL org.opencontainers.image.title="IronLB" \
      org.opencontainers.image.description="Bare-metal load balancer for Kubernetes: layer 2 (ARP/NDP) and BGP" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/ironlb/ironlb"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/packages ./packages
USER 65532:65532
ENTRYPOINT ["node", "/app/packages/cli/bin/ironlb.js"]
CMD ["--help"]
