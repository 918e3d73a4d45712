# The engine's image: the same code runs the API (api.ts, which also serves the browser UI) and the worker
# (worker.ts). The UI is built in a stage with the dev dependencies (Vite, React); the image keeps only
# the production dependencies and the built files.
FROM node:20-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
COPY --from=web /app/web/dist ./web/dist
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "api.ts"]
