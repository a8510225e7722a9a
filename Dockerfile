# syntax=docker/dockerfile:1
# One image for every Wagewatch process. TypeScript runs through tsx (no build step); the
# command names the service's entry file, relative to the repository root (/app):
#   docker run wagewatch services/ledger/src/main.ts           (ingest, ledger, inspection)
#   docker run wagewatch packages/bus/src/kafka/create-topics.ts
#   docker run -p 8080:8080 wagewatch services/standalone/src/main.ts   (embedded mode)
# Not built on the development machines (no Docker engine there): see infra/k8s/README.md.

# --- the workspace manifests alone, so that the install layer is reused while only sources change.
# Every package.json of the workspace is kept (new packages need no edit here); the output of this
# stage changes only when a manifest, the lockfile or the workspace settings change.
FROM node:20-bookworm-slim AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name pnpm-lock.yaml ! -name pnpm-workspace.yaml ! -name .npmrc -delete \
 && find . -type d -empty -delete

# --- dependencies: every workspace's, dev ones included (tsx, kafkajs admin, etc. run in production).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN npm i -g pnpm@12.21.0
COPY --from=manifests /app/ ./
RUN pnpm install --frozen-lockfile --prod=false
# `node --import tsx` resolves tsx from the working directory (the repository root). Until the
# root package.json lists tsx itself, point node_modules/tsx at pnpm's hoisted copy; fail the
# build here rather than at the first start when it is not resolvable.
RUN [ -e node_modules/tsx ] || ln -s .pnpm/node_modules/tsx node_modules/tsx; \
    node --import tsx -e "process.exit(0)"

# --- runtime: dependencies plus sources, run as the unprivileged `node` user (uid 1000).
FROM node:20-bookworm-slim AS runtime
# Every process listens on 127.0.0.1 unless HOST says otherwise; in a container the published
# port must reach it, so the image says so explicitly.
ENV NODE_ENV=production KAFKAJS_NO_PARTITIONER_WARNING=1 HOST=0.0.0.0
# The bureau's orders and referrals as PDF are set in Noto CJK (inspection orders/pdf.ts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/ ./
COPY . .
# The console's build (services/console/dist, never committed): served at / by the embedded
# process and, in the distributed mode, by inspection (WAGEWATCH_CONSOLE_DIR).
RUN cd services/console && node_modules/.bin/vite build
# The embedded mode keeps its data under /app/.data (mount a volume there); nothing else is written.
RUN mkdir -p .data && chown node:node .data
USER node
EXPOSE 8080
ENTRYPOINT ["node", "--import", "tsx"]
