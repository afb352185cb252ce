import type { EventEmitter } from 'node:events';
import type { ClusterHealthStatus } from '../http/routes/cluster-routes';
import type { DeploymentSnapshot } from '../inference/deployments';
import type { ModelCacheEvents } from '../model/repository/model-cache';
import { mockJson, MockRouter } from './mock-router';

interface Download {
  bytesDownloaded: number;
  totalBytes?: number;
}

/** What `GET /__mock/health` answers. */
export interface HealthReport {
  status: 'ready' | 'starting';
  live: true;
  ready: boolean;
  checks: {
    /** `start()` builds the built-in repository before it listens: true whenever this is answered. */
    model_repository: { ready: true };
    /** The deployments of the endpoints stored before this start have started or failed. */
    stored_deployments: { ready: boolean; failed: string[] };
  };
  /** Why `GET /_cluster/health` shows its status; no part of readiness. */
  cluster_health: {
    status: ClusterHealthStatus;
    starting_deployments: string[];
    downloading_models: { model_id: string; bytes_downloaded: number; total_bytes?: number }[];
  };
}

/**
 * Follows what makes this server ready and its cluster health: the restoring of the stored
 * endpoints' deployments, the deployments starting and the model downloads.
 */
export class ServerHealth {
  private readonly downloads = new Map<string, Download>();
  private restore: { settled: boolean; failed: string[] } = { settled: false, failed: [] };

  constructor(
    cache: EventEmitter<ModelCacheEvents>,
    private readonly deployments: () => readonly DeploymentSnapshot[],
  ) {
    cache.on('state', ({ modelId, status, bytesDownloaded, totalBytes }) => {
      if (status === 'downloading') this.downloads.set(modelId, { bytesDownloaded, totalBytes });
      else this.downloads.delete(modelId);
    });
    cache.on('progress', ({ modelId, bytesDownloaded, totalBytes }) => {
      if (this.downloads.has(modelId)) this.downloads.set(modelId, { bytesDownloaded, totalBytes });
    });
  }

  /** Follows the restoring of the stored endpoints' deployments; `failures` names those that did not start. */
  restoring(failures: Promise<readonly { inferenceId: string }[]>): void {
    failures.then(
      (failed) => (this.restore = { settled: true, failed: failed.map(({ inferenceId }) => inferenceId) }),
      () => (this.restore = { settled: true, failed: [] }),
    );
  }

  get ready(): boolean {
    return this.restore.settled;
  }

  /**
   * The mock's mapping onto Elasticsearch's colours: yellow while stored deployments are being
   * restored, a deployment is starting or a model is downloading; green otherwise.
   */
  clusterStatus(): ClusterHealthStatus {
    return this.ready && this.downloads.size === 0 && this.startingDeployments().length === 0 ? 'green' : 'yellow';
  }

  report(): HealthReport {
    const ready = this.ready;
    return {
      status: ready ? 'ready' : 'starting',
      live: true,
      ready,
      checks: {
        model_repository: { ready: true },
        stored_deployments: { ready, failed: [...this.restore.failed] },
      },
      cluster_health: {
        status: this.clusterStatus(),
        starting_deployments: this.startingDeployments(),
        downloading_models: [...this.downloads].map(([modelId, { bytesDownloaded, totalBytes }]) => ({
          model_id: modelId,
          bytes_downloaded: bytesDownloaded,
          ...(totalBytes !== undefined && { total_bytes: totalBytes }),
        })),
      },
    };
  }

  private startingDeployments(): string[] {
    return this.deployments()
      .filter(({ state }) => state === 'starting')
      .map(({ request }) => request.deploymentId);
  }
}

/** `GET /__mock/health`: 200 once ready, 503 before; a liveness probe only needs an answer. */
export function registerMockHealth(mock: MockRouter, health: ServerHealth): void {
  mock.add('GET', '/health', () => {
    const report = health.report();
    return mockJson(report.ready ? 200 : 503, report, { 'cache-control': 'no-store' });
  });
}
