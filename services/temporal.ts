// Reaches a Temporal server: the one at TEMPORAL_ADDRESS (start none), or an embedded dev server started
// here (persisted in a SQLite file, with its web UI) and stopped by stop().
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { dataConverterFor, type PayloadKey } from './payload-codec.ts';
import { resolveTemporalExecutable } from './temporal-cli.ts';
import { safeRuntimeLogger } from './worker-log-safety.ts';

let runtimeInstalled = false;

/**
 * The SDK logs every worker state change at INFO; keep warnings and errors, with the errors in them reduced
 * to what carries no case data (a failed activity is logged with its error). With `metricsAddress`
 * (host:port) the SDK's runtime telemetry exports the worker's own metrics (task slots, polls, latencies)
 * for Prometheus there. Install before anything else of the SDK runs.
 */
export function installTemporalRuntime(
  level: 'WARN' | 'INFO' | 'DEBUG' = 'WARN',
  metricsAddress?: string,
): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: safeRuntimeLogger(level),
    ...(metricsAddress
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } }
      : {}),
  });
}

export interface TemporalServices {
  address: string;
  namespace: string;
  /** The Temporal web UI, when this process started the server. */
  uiUrl?: string;
  client: Client;
  /** For workers. */
  nativeConnection: NativeConnection;
  stop(): Promise<void>;
}

export interface EmbeddedServerOptions {
  /** Keys of the payload codec of the client (workers get theirs in createCaseWorker). */
  payloadKeys: readonly PayloadKey[];
  /** Where the embedded Temporal UI asks to decode payloads (the API's /codec). */
  uiCodecEndpoint?: string;
  /** SQLite file that keeps workflows across restarts; absent means in memory. */
  dbFilename?: string;
  port?: number;
  uiPort?: number;
  /** Extra dev-server arguments (e.g. dynamic config for benchmarks). */
  extraArgs?: string[];
}

export async function startEmbeddedTemporal(options: EmbeddedServerOptions): Promise<TemporalServices> {
  installTemporalRuntime();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: resolveTemporalExecutable('dev-server'),
      ip: '127.0.0.1',
      ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
      ...(options.port ? { port: options.port } : {}),
      ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
      log: { format: 'pretty', level: 'error' },
      extraArgs: [
        ...(options.uiPort && options.uiCodecEndpoint
          ? ['--ui-codec-endpoint', options.uiCodecEndpoint]
          : []),
        ...(options.extraArgs ?? []),
      ],
    },
  });
  const namespace = env.namespace ?? 'default';
  return {
    address: env.address,
    namespace,
    ...(options.uiPort ? { uiUrl: `http://127.0.0.1:${options.uiPort}` } : {}),
    client: nativeClient(env.nativeConnection, namespace, options.payloadKeys),
    nativeConnection: env.nativeConnection,
    stop: () => env.teardown(),
  };
}

export async function connectTemporal(
  address: string,
  payloadKeys: readonly PayloadKey[],
  namespace = 'default',
): Promise<TemporalServices> {
  installTemporalRuntime();
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    namespace,
    client: nativeClient(nativeConnection, namespace, payloadKeys),
    nativeConnection,
    stop: () => nativeConnection.close(),
  };
}

/**
 * The engine's client rides on the workers' native (Rust core) connection instead of a grpc-js one of
 * its own: the same calls for a fraction of the CPU in this process (measured: see BENCHMARKS.md).
 */
function nativeClient(connection: NativeConnection, namespace: string, keys: readonly PayloadKey[]): Client {
  return new Client({ connection, namespace, dataConverter: dataConverterFor(keys) });
}
