# syntax=docker/dockerfile:1
# The operator's image: `docker build -t REGISTRY/ecs-operator:TAG .`
#
# Three stages on one pinned Node.js LTS base (24.x on Debian bookworm slim; bump the three FROM
# lines together): the build stage compiles TypeScript with the full dependency tree, the deps
# stage installs production dependencies only, and the runtime stage gets just those two results.
# No stage reads credentials: the pod gets AWS credentials at run time (IRSA or EKS Pod Identity).
FROM node:24.11.1-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No dependency needs an install script to compile (esbuild's, for tsx, is a dev tool).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only, installed apart so dev tools never reach the image.
FROM node:24.11.1-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24.11.1-bookworm-slim
# tini as PID 1 forwards SIGTERM to node and reaps zombies, so the operator's graceful shutdown
# (finish reconciles, release the leader lease) runs when Kubernetes stops the pod.
# npm and corepack are not needed at run time; removing them shrinks what a scanner must vet.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
LABEL org.opencontainers.image.title="ecs-operator" \
      org.opencontainers.image.description="Kubernetes operator that reconciles EcsTaskDefinition and EcsService manifests into Amazon ECS" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /app
ENV NODE_ENV=production
# Root owns the application files and the process cannot write them; together with
# readOnlyRootFilesystem the running operator can change nothing in its image.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
# The base image's unprivileged `node` user, by number so that runAsNonRoot can verify it.
USER 1000:1000
# /metrics, /healthz and /readyz (see --http-address).
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/cli/main.js"]
CMD ["run"]
