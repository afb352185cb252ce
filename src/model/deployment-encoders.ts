import { promises as fs } from 'node:fs';
import type { DeploymentEncoder, EncoderFactory, StartDeploymentRequest } from '../inference/deployments';
import type { SparseEmbedding } from '../inference/sparse-embedding';
import { planAllocations } from '../ml/allocated-processors';
import type { Logger } from '../observability/logger';
import { AllocationPool, initialAllocationCount } from './allocation';
import { prepareSparseModel } from './plugin/adapt-model';
import type { CachedModelPackage, ModelCache } from './repository';
import { BUILTIN_SIGNATURE, type SparseModelSignature, writtenByModelBuilder } from './sparse-model-signature';

export interface DeploymentEncoderOptions {
  cache: ModelCache;
  /** The ML node's processor count (`node.processors` / allocated processors). */
  allocatedProcessors: number;
  /** Called when a deployment first asks for its model, before any download. */
  onModelRequested?: (modelId: string) => void;
  logger?: Logger;
}

/** A deployment's allocations, within what the node's processors allow. */
class PooledDeploymentEncoder implements DeploymentEncoder {
  constructor(
    private readonly pool: AllocationPool,
    private target: number,
    private readonly requestedThreads: number,
    private readonly allocatedProcessors: number,
    private readonly processTime: { totalMs: number },
  ) {}

  encode(texts: readonly string[]): Promise<SparseEmbedding[]> {
    return this.pool.encode(texts);
  }

  allocationCount(): number {
    return this.pool.allocations.filter((allocation) => allocation.state === 'ready' || allocation.state === 'busy').length;
  }

  targetAllocationCount(): number {
    return this.target;
  }

  threadsPerAllocation(): number {
    return planAllocations(this.target, this.requestedThreads, this.allocatedProcessors).threadsPerAllocation;
  }

  totalProcessTimeMs(): number {
    return this.processTime.totalMs;
  }

  async setTargetAllocations(count: number): Promise<void> {
    this.target = count;
    await this.pool.setAllocations(planAllocations(count, this.requestedThreads, this.allocatedProcessors).allocations);
  }

  pendingCount(): number {
    return this.pool.stats().pendingCount;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Starts deployments as an ML node does: the model is fetched into the cache
 * (downloaded and verified when absent), adapted if it is a plug-in export,
 * and loaded by as many allocations as the node's processors fit.
 */
export function deploymentEncoderFactory(options: DeploymentEncoderOptions): EncoderFactory {
  return async (request: StartDeploymentRequest) => {
    options.onModelRequested?.(request.modelId);
    const modelPackage = await options.cache.ensure(request.modelId);
    const { model, signature } = await sparseModelOf(modelPackage);
    const target = initialAllocationCount(request);
    const plan = planAllocations(target, request.threadsPerAllocation, options.allocatedProcessors);
    const processTime = { totalMs: 0 };
    const pool = await AllocationPool.start({
      model,
      signature,
      vocabulary: modelPackage.vocabulary,
      numberOfAllocations: plan.allocations,
      threadsPerAllocation: plan.threadsPerAllocation,
      onBatchCompleted: ({ startTime, endTime }) => {
        processTime.totalMs += endTime - startTime;
      },
      onAllocationDied: ({ allocationId, reason, replaced }) =>
        options.logger?.warn({ deploymentId: request.deploymentId, allocationId, reason, replaced }, 'model allocation died'),
    });
    options.logger?.info(
      { deploymentId: request.deploymentId, modelId: request.modelId, allocations: plan.allocations, threads: plan.threadsPerAllocation },
      'deployment started',
    );
    return new PooledDeploymentEncoder(pool, target, request.threadsPerAllocation, options.allocatedProcessors, processTime);
  };
}

/**
 * What the allocations load, and how to feed it. The builder's packages have the built-in signature;
 * any other graph is inspected (reading it into memory, which the builder's skip), and adapted if it
 * stops at logits. Unchanged graphs load from the file, adapted ones from their new bytes.
 */
async function sparseModelOf(modelPackage: CachedModelPackage): Promise<{ model: string | Uint8Array; signature: SparseModelSignature }> {
  if (writtenByModelBuilder(modelPackage.metadata)) {
    return { model: modelPackage.modelPath, signature: BUILTIN_SIGNATURE(modelPackage.vocabulary.length) };
  }
  const prepared = prepareSparseModel(new Uint8Array(await fs.readFile(modelPackage.modelPath)), {
    vocabularySize: modelPackage.vocabulary.length,
  });
  return { model: prepared.convention === 'logits' ? prepared.modelBytes : modelPackage.modelPath, signature: prepared.signature };
}
