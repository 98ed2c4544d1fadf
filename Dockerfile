# syntax=docker/dockerfile:1
# The operator's image: `docker build --build-arg VERSION=1.2.3 -t REGISTRY/ecs-operator:1.2.3 .`
# (the release workflow, .github/workflows/release.yml, passes the tag as VERSION).
#
# Three stages on one Node.js LTS base, pinned by version and by digest (24.x on Debian 13
# "trixie" slim; the digest is the multi-platform index, so amd64 and arm64 builds both start from
# it; bump the three FROM lines together): the build stage compiles TypeScript with the full
# dependency tree, the deps stage installs production dependencies only, and the runtime stage gets
# just those two results. No stage reads credentials: the pod gets AWS credentials at run time
# (IRSA or EKS Pod Identity).
# The build and deps stages make only JavaScript (no dependency compiles native code: --ignore-scripts),
# so they run on the builder's own platform; only the runtime stage runs per target platform.
FROM --platform=$BUILDPLATFORM node:24.21.0-trixie-slim@sha256:8ec5d7557396cfe32d21c3f9c13072355ceab22b584578ca4bb28af31120cffe AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No dependency needs an install script (esbuild, which bundles, finds its binary in its platform package without one).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/bundle.ts ./scripts/
# The typecheck of the build, then the bundle the image runs (scripts/bundle.ts says why one file).
RUN npm run build && npm run bundle
# The release's version, from the tag: written into package.json, which `ecs-operator --version`
# and the ecs_operator_build_info metric read at run time. Empty keeps package.json's own.
ARG VERSION=""
RUN if [ -n "$VERSION" ]; then npm pkg set version="$VERSION"; fi

# Production dependencies only, installed apart so dev tools never reach the image.
FROM --platform=$BUILDPLATFORM node:24.21.0-trixie-slim@sha256:8ec5d7557396cfe32d21c3f9c13072355ceab22b584578ca4bb28af31120cffe AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24.21.0-trixie-slim@sha256:8ec5d7557396cfe32d21c3f9c13072355ceab22b584578ca4bb28af31120cffe
ARG VERSION=""
# tini as PID 1 forwards SIGTERM to node and reaps zombies, so the operator's graceful shutdown
# (finish reconciles, release the leader lease) runs when Kubernetes stops the pod.
# npm and corepack are not needed at run time; removing them shrinks what a scanner must vet.
# Debian rebuilds tini (0.19.0-3+bN) from time to time and drops the older build from the archive,
# so the upstream version is checked instead of pinning a build number that will disappear.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && tini --version | grep -q '^tini version 0\.19\.0' \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
LABEL org.opencontainers.image.title="ecs-operator" \
      org.opencontainers.image.description="Kubernetes operator that reconciles EcsTaskDefinition and EcsService manifests into Amazon ECS" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"
WORKDIR /app
ENV NODE_ENV=production
# Root owns the application files and the process cannot write them; together with
# readOnlyRootFilesystem the running operator can change nothing in its image.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist/bundle ./dist/bundle
COPY --from=build /src/package.json ./
# The base image's unprivileged `node` user, by number so that runAsNonRoot can verify it.
USER 1000:1000
# /metrics, /healthz and /readyz (see --http-address).
EXPOSE 8080
# --optimize-for-size: V8 grows its heap in smaller steps and keeps less compiled code. Converging
# 1,000 services (`npm run bench`, unthrottled) peaked at 98 MB resident instead of 112-113 MB, for
# about 1 CPU second more (29.5 against 28.5 in one pair of runs). A V8 flag, which NODE_OPTIONS
# does not take, so it is given here; the benchmark reads it from this line. (Those figures are
# Node.js 20's; the same process on this image's Node.js 24 is larger: see README, "Node.js versions".)
# --disable-warning=DEP0169: node-fetch 2, @kubernetes/client-node's HTTP, calls url.parse(), and
# Node warns about it once per process for code outside node_modules, which the bundle is.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--optimize-for-size", "--disable-warning=DEP0169", "dist/bundle/main.mjs"]
CMD ["run"]
