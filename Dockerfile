# syntax=docker/dockerfile:1
# mPanel container image: one image, three uses (`start --role web|worker|all`, `migrate`).
# Build: docker build -t mpanel .   Run: see docs/deploy.md.

# --- deps: the whole workspace's node_modules (tsx runs the TypeScript: no compile step) -------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# argon2 ships prebuilt binaries; python/g++ are only a fallback for other architectures.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/
COPY core/package.json core/
COPY admin-ui/package.json admin-ui/
COPY plugins/ai/package.json plugins/ai/
COPY plugins/billing/package.json plugins/billing/
COPY plugins/cdn-cloudflare/package.json plugins/cdn-cloudflare/
COPY plugins/cdn/package.json plugins/cdn/
COPY plugins/dns-powerdns/package.json plugins/dns-powerdns/
COPY plugins/dns/package.json plugins/dns/
COPY plugins/gateway-manual/package.json plugins/gateway-manual/
COPY plugins/gateway-stripe/package.json plugins/gateway-stripe/
COPY plugins/hosting/package.json plugins/hosting/
COPY plugins/notifications/package.json plugins/notifications/
COPY plugins/provisioning-agent/package.json plugins/provisioning-agent/
COPY plugins/provisioning-cpanel/package.json plugins/provisioning-cpanel/
COPY plugins/provisioning-hestia/package.json plugins/provisioning-hestia/
COPY plugins/ssl/package.json plugins/ssl/
COPY plugins/support/package.json plugins/support/
COPY plugins/theme-top-nav/package.json plugins/theme-top-nav/
COPY plugins/white-label/package.json plugins/white-label/
COPY agent/package.json agent/
RUN npm ci --ignore-scripts

# --- build: the admin UI and the plugins' browser bundles -------------------------------------
FROM deps AS build
COPY . .
# The migrated data-dir dump an embedded first start is made from (core/src/db/migrated-dump.ts).
RUN npm run build -w @mpanel/admin-ui && npm run build:plugins && node bin/mpanel.js db:template

# --- runtime: no compilers, non-root ----------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=2271 HOST=0.0.0.0 DATA_DIR=/var/lib/mpanel
# pg_dump/pg_restore for `mpanel backup` on PostgreSQL.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client tini && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /var/lib/mpanel && chown node:node /var/lib/mpanel
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 2271
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||2271)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["tini", "--", "node", "bin/mpanel.js"]
CMD ["start", "--role", "all"]
