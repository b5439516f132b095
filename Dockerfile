# The API with the built SPA, on Node 24. Build: docker build -t email-code-auth .
# CI cannot run Docker; apps/api/test/deploy.test.ts runs the same deploy step outside a container
# and signs in against the result.

FROM node:24-slim AS build
WORKDIR /repo
RUN npm install -g pnpm@12.4.2
COPY . .
RUN pnpm install --frozen-lockfile
RUN TURBO_TELEMETRY_DISABLED=1 pnpm build
# The bundled API (workspace packages inlined) with its production dependencies only, plus the SPA.
RUN pnpm --filter @app/api deploy --prod /deploy && cp -r apps/web/dist /deploy/web

FROM node:24-slim
WORKDIR /app
# pnpm start's production defaults; the required settings (APP_URL, AUTH_SECRET, DATABASE_URL,
# POSTMARK_SERVER_TOKEN, MAIL_FROM) come from the environment: see compose.yaml and the README.
ENV NODE_ENV=production PORT=3000 WEB_DIST_DIR=/app/web DATA_DIR=/app/data
COPY --from=build /deploy /app
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1, so SIGTERM reaches the server's graceful shutdown.
CMD ["node", "--enable-source-maps", "dist/main.js"]
